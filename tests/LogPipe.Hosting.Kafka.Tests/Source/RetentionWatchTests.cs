using Confluent.Kafka;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Kafka.Tests.Source;

/// <summary>Which first records after a start are reported as records lost to retention (event 2020), and which are not.</summary>
public sealed class RetentionWatchTests : IDisposable
{
    private readonly LogCapture _logs = new();
    private readonly List<int> _asked = [];

    [Fact]
    public void A_first_record_past_a_checkpoint_below_the_log_start_reports_the_records_lost_with_the_offset_reading_resumed_at()
    {
        var watch = Watch();
        watch.ExpectStart(3, new Offset(100));

        watch.Arrived(3, 250, LogStartAt(240));

        var lost = Assert.Single(_logs.Entries, e => e.EventId.Id == LogEvents.CheckpointBelowLogStart);
        Assert.Equal(3, lost.State["Partition"]);
        Assert.Equal(100L, lost.State["Checkpoint"]);
        Assert.Equal(240L, lost.State["LogStart"]);
        Assert.Equal(140L, lost.State["Lost"]);
        Assert.Equal(250L, lost.State["Offset"]);
        Assert.Equal([3], _asked);
    }

    [Fact]
    public void A_gap_above_a_log_start_at_or_below_the_checkpoint_is_not_a_loss_and_only_the_first_record_is_checked()
    {
        var watch = Watch();
        watch.ExpectStart(0, new Offset(100));

        // Transaction markers or compaction: the log still starts at the checkpoint.
        watch.Arrived(0, 102, LogStartAt(100));
        watch.Arrived(0, 500, LogStartAt(400));

        Assert.Empty(_logs.Entries);
        Assert.Equal([0], _asked);
    }

    [Fact]
    public void The_first_record_at_the_checkpoint_is_not_checked_nor_is_a_partition_started_at_a_logical_offset_or_revoked()
    {
        var watch = Watch();
        watch.ExpectStart(0, new Offset(100));
        watch.ExpectStart(1, Offset.Beginning);
        watch.ExpectStart(2, new Offset(7));
        watch.ExpectStart(2, Offset.Unset);
        watch.ExpectStart(3, new Offset(5));
        watch.Forget(3);

        watch.Arrived(0, 100, LogStartAt(900));
        watch.Arrived(0, 950, LogStartAt(900));
        watch.Arrived(1, 950, LogStartAt(900));
        watch.Arrived(2, 950, LogStartAt(900));
        watch.Arrived(3, 950, LogStartAt(900));

        Assert.Empty(_logs.Entries);
        Assert.Empty(_asked);
    }

    [Fact]
    public void A_log_start_librdkafka_cannot_give_reports_nothing()
    {
        var watch = Watch();
        watch.ExpectStart(0, new Offset(100));

        watch.Arrived(0, 250, p =>
        {
            _asked.Add(p);
            return null;
        });

        Assert.Empty(_logs.Entries);
        Assert.Equal([0], _asked);
    }

    public void Dispose() => _logs.Dispose();

    private RetentionWatch Watch() => new("people", new KafkaMetrics(null), _logs.CreateLogger<RetentionWatchTests>());

    private Func<int, long?> LogStartAt(long logStart) => p =>
    {
        _asked.Add(p);
        return logStart;
    };
}
