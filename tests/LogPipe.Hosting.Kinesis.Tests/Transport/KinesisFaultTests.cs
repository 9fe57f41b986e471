using System.Globalization;
using System.Numerics;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary>Throttling, expired iterators and partial PutRecords failures, injected in front of kinesalite.</summary>
[Collection(SharedKinesalite.Name)]
public sealed class KinesisFaultTests(KinesaliteFixture kinesalite) : KinesisAppTests(kinesalite)
{
    // The client does not retry on its own here, so every injected fault reaches the transport.
    private static readonly Dictionary<string, string?> NoClientRetries = new() { ["LogPipe:Kinesis:MaxRetries"] = "0" };

    [Fact]
    public async Task Throttling_and_expired_iterators_while_producing_and_consuming_lose_and_double_nothing()
    {
        var stream = await Kinesalite.CreateStreamAsync("faults", shardCount: 4);
        var faults = new KinesisFaults { ThrottleEveryNthGetRecords = 4, ExpireEveryNthGetRecords = 9, ThrottleEveryNthPutRecords = 3 };
        // Small pages and tiny queues: many calls to break, and readers that wait on a full queue between them.
        var app = await AppAsync(stream, new Dictionary<string, string?>(NoClientRetries)
        {
            ["LogPipe:Kinesis:MaxRecordsPerRead"] = "50",
            ["LogPipe:Kinesis:ShardQueueCapacity"] = "10",
        }, faults);
        var people = People.Many(400);
        foreach (var chunk in people.Chunk(50)) await app.SendAsync(chunk);

        await app.WaitAppliedAsync(people);
        Assert.True(faults.Throttled > 0 && faults.Expired > 0, $"faults injected: {faults.Throttled} throttled, {faults.Expired} expired");
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == LogEvents.IteratorExpired);
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == LogEvents.ReadThrottled);
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == LogEvents.PutCallFailed);
        Assert.Equal(400, (await app.CheckpointsAsync()).Sum(c => c.NextOffset));

        // At most 5 GetRecords calls per second per shard: n calls on a shard span at least (n - 1) x 200 ms. The handler
        // sees a call a little after the reader started it, so the ends carry scheduling noise; the first call of a shard
        // (cold code paths) is left out.
        foreach (var shard in faults.GetRecordsCalls.GroupBy(c => c.Shard))
        {
            var calls = shard.Select(c => c.At).Order().Skip(1).ToList();
            var span = calls[^1] - calls[0];
            Assert.True(span >= TimeSpan.FromMilliseconds(((calls.Count - 1) * 200) - 150), $"{shard.Key}: {calls.Count} calls within {span.TotalMilliseconds} ms");
        }
    }

    [Fact]
    public async Task An_idle_shard_is_polled_less_often()
    {
        var stream = await Kinesalite.CreateStreamAsync("idle", shardCount: 1);
        var faults = new KinesisFaults();
        await AppAsync(stream, new Dictionary<string, string?> { ["LogPipe:Kinesis:IdlePollIntervalMs"] = "800" }, faults);

        // Each empty answer doubles the gap from the 200 ms poll interval (400, 800) up to the idle interval (800). Only
        // lower bounds and growth are checked, and the first (cold) call is left out of the bounds: a loaded machine makes
        // gaps longer, never shorter than scheduling noise.
        await Eventually.TrueAsync(() => faults.GetRecordsCalls.Count >= 5, TimeSpan.FromSeconds(20), "five polls of the idle shard");
        var calls = faults.GetRecordsCalls.Select(c => c.At).ToList();
        var gaps = calls.Zip(calls.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToList();
        Assert.True(gaps[1] >= 650 && gaps[2] >= 650 && gaps[3] >= 650, $"idle gaps {gaps[1]}, {gaps[2]}, {gaps[3]} ms");
        Assert.True(gaps[1] > gaps[0], $"gaps grow: {gaps[0]} then {gaps[1]} ms");
    }

    [Fact]
    public async Task A_partially_failed_PutRecords_retries_only_the_failed_entries_and_keeps_each_key_in_order()
    {
        var stream = await Kinesalite.CreateStreamAsync("partial", shardCount: 2);
        // The first two calls fail every third entry.
        var faults = new KinesisFaults { FailPutEntry = (call, entry) => call <= 2 && entry % 3 == 0 };
        var app = await AppAsync(stream, handler: faults, consumer: OrderChecking);
        var people = People.Many(20);
        var records = Enumerable.Range(1, 3).SelectMany(v => people.Select(p => new Person
        {
            Uuid = p.Uuid,
            FirstName = p.FirstName,
            LastName = v.ToString(CultureInfo.InvariantCulture),
        })).ToList();

        var positions = await app.SendAsync(records);

        Assert.True(faults.FailedEntries > 0);
        var stored = faults.Stored.SelectMany(c => c).ToList();
        Assert.Equal(records.Count, stored.Count);
        Assert.Equal(records.Count, stored.Distinct().Count());
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == LogEvents.PutPartiallyFailed);

        // Each person's three versions got increasing sequence numbers, in the order they were sent.
        foreach (var person in people)
        {
            var sequence = records.Select((r, i) => (r, i)).Where(x => x.r.Uuid == person.Uuid)
                .Select(x => BigInteger.Parse(positions[x.i].SequenceNumber!, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(sequence.Order(), sequence);
        }

        var applied = await app.WaitAppliedAsync(people, times: 3);
        Assert.Empty(app.Violations.Seen);
        Assert.All(applied, p => Assert.Equal("3", p.LastName));
    }

    [Fact]
    public async Task A_send_that_keeps_failing_fails_with_the_reason_after_the_retry_budget()
    {
        var stream = await Kinesalite.CreateStreamAsync("budget", shardCount: 1);
        var faults = new KinesisFaults { ThrottleEveryNthPutRecords = 1 };
        var app = await AppAsync(stream, ProducerOnly(new Dictionary<string, string?>(NoClientRetries) { ["LogPipe:Kinesis:MaxPutAttempts"] = "3" }), faults);

        var ex = await Assert.ThrowsAsync<KinesisSendException>(() => app.SendAsync([People.Joe()]));

        Assert.Equal("ProvisionedThroughputExceededException", ex.ErrorCode);
        Assert.Equal(1, ex.FailedRecords);
        Assert.Equal(stream, ex.Stream);
        Assert.Contains(stream, ex.Message);
        Assert.Equal(3, faults.PutRecordsCalls);
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == LogEvents.KinesisSendFailed && e.Level == LogLevel.Error);
    }

    [Fact]
    public async Task A_record_that_cannot_be_stored_fails_the_later_records_of_its_key_and_not_the_others()
    {
        var stream = await Kinesalite.CreateStreamAsync("gap", shardCount: 1);
        // The first entry of every call fails: that is always the first version of person A.
        var faults = new KinesisFaults { FailPutEntry = (_, entry) => entry == 0 };
        var app = await AppAsync(stream, ProducerOnly(new Dictionary<string, string?> { ["LogPipe:Kinesis:MaxPutAttempts"] = "3" }), faults);
        var a = People.Joe();
        var b = People.Many(1)[0];
        var aAgain = People.Joe();
        aAgain.LastName = "Again";

        var ex = await Assert.ThrowsAsync<KinesisSendException>(() => app.SendAsync([a, b, aAgain]));

        Assert.Equal(2, ex.FailedRecords);
        Assert.Equal("ProvisionedThroughputExceededException", ex.ErrorCode);
        Assert.Single(faults.Stored.SelectMany(c => c));
        // Which ones: A and A-again (kept back to keep A's order); B is stored, and the exception says where.
        Assert.Equal([0, 2], ex.FailedIndexes);
        Assert.Equal(stream, ex.Positions[1]!.Value.Stream);
        Assert.NotNull(ex.Positions[1]!.Value.SequenceNumber);
        Assert.Equal(3, faults.PutRecordsCalls);
    }

    [Fact]
    public async Task Sending_to_a_missing_stream_fails_at_once_with_the_reason()
    {
        var stream = KinesaliteFixture.UniqueStreamName("missing");
        var faults = new KinesisFaults();
        var app = await AppAsync(stream, ProducerOnly(), faults);

        var ex = await Assert.ThrowsAsync<KinesisSendException>(() => app.SendAsync(People.Many(3)));

        Assert.Equal("ResourceNotFoundException", ex.ErrorCode);
        Assert.Equal(3, ex.FailedRecords);
        Assert.Equal([0, 1, 2], ex.FailedIndexes);
        Assert.Equal(1, faults.PutRecordsCalls);
    }

    [Fact]
    public async Task A_consumer_started_before_its_stream_exists_reads_it_once_it_does()
    {
        var stream = KinesaliteFixture.UniqueStreamName("later");
        var app = await AppAsync(stream);
        await Eventually.TrueAsync(() => app.Logs.Entries.Any(e => e.EventId.Id == LogEvents.ShardDiscoveryFailed), TimeSpan.FromSeconds(30), "the missing stream was noticed");

        await Kinesalite.Admin.CreateStreamAsync(new() { StreamName = stream, ShardCount = 2 });
        await Kinesalite.Admin.WaitForStreamActiveAsync(stream, TimeSpan.FromMilliseconds(20));
        var people = People.Many(20);
        await app.SendAsync(people);

        await app.WaitAppliedAsync(people);
    }

    [Fact]
    public async Task An_oversized_record_is_refused_before_anything_is_sent()
    {
        var stream = await Kinesalite.CreateStreamAsync("oversized", shardCount: 1);
        var faults = new KinesisFaults();
        var app = await AppAsync(stream, ProducerOnly(), faults);
        var huge = People.Many(1)[0];
        huge.FirstName = new string('x', 1_100_000);

        var ex = await Assert.ThrowsAsync<KinesisRecordTooLargeException>(() => app.SendAsync([People.Joe(), huge, People.Many(1)[0]]));

        Assert.Equal(1, ex.Index);
        Assert.Equal(1_048_576, ex.LimitBytes);
        Assert.True(ex.RecordBytes > ex.LimitBytes);
        Assert.Contains(stream, ex.Message);
        Assert.Contains("1048576", ex.Message);
        Assert.Equal(0, faults.PutRecordsCalls);

        // Just under the limit goes through.
        huge.FirstName = new string('x', 1_000_000);
        var position = await app.SendAsync([huge]);
        Assert.Equal("shardId-000000000000", position[0].Partition);
    }
}
