using System.Text;
using Confluent.Kafka;
using LogPipe.Cli.Tests.Support;

namespace LogPipe.Cli.Tests;

/// <summary>
/// <c>offsets set --to-time</c> moves a Kafka partition to the first record whose timestamp is at or after the time
/// (Kafka's offsets-for-times, or a binary search over the records where the broker cannot answer, as the development
/// broker cannot); a time after the last record is the partition's end.
/// </summary>
public sealed class OffsetsSetTimeTests : IClassFixture<KafkaFixture>, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly KafkaFixture _kafka;
    private readonly CliWorkspace _workspace;

    public OffsetsSetTimeTests(KafkaFixture kafka)
    {
        _kafka = kafka;
        _workspace = CliWorkspace.Create(kafka.BootstrapServers);
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task The_development_broker_answers_every_offsets_for_times_query_with_the_log_end()
    {
        // What a real broker answers with offset 3 (the first record at or after 12:02:30), librdkafka's mock cluster
        // answers with -1, "no record that late". If this ever fails, the mock learnt timestamps: revisit --to-time.
        var topic = _kafka.NewTopic();
        await _kafka.ProduceAtAsync(topic, 0, Records(5));

        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = "probe" }).Build();
        var found = Assert.Single(consumer.OffsetsForTimes([new TopicPartitionTimestamp(topic, 0, new Timestamp(T0.AddMinutes(2).AddSeconds(30)))], TimeSpan.FromSeconds(10)));

        Assert.Equal(Offset.End, found.Offset);
    }

    [Theory]
    [InlineData("2026-03-01T12:02:30Z", 3L)]
    [InlineData("2026-03-01T12:02:00Z", 2L)]
    [InlineData("2026-03-01T13:02:00.001+01:00", 3L)]
    public async Task A_time_between_or_on_records_moves_to_the_first_record_at_or_after_it(string time, long expected)
    {
        // The development broker answers "none that late", contradicted by the last record: the records themselves decide.
        var topic = _kafka.NewTopic();
        await _kafka.ProduceAtAsync(topic, 0, Records(5));
        await _workspace.AddCheckpointAsync(topic, "0", 1, version: 2);

        var result = (await _workspace.RunAsync("offsets", "set", "-s", topic, "-p", "0", "--to-time", time, "--force")).Expect(ExitCodes.Success);

        Assert.Contains($"next offset 1 -> next offset {expected}", result.Out, StringComparison.Ordinal);
        Assert.Equal((expected, 3L), Stored(await _workspace.CheckpointsAsync()));
    }

    [Fact]
    public async Task A_time_before_the_first_record_moves_to_the_partitions_beginning()
    {
        var topic = _kafka.NewTopic();
        await _kafka.ProduceAtAsync(topic, 0, Records(5));
        await _workspace.AddCheckpointAsync(topic, "0", 4, version: 2);

        (await _workspace.RunAsync("offsets", "set", "-s", topic, "-p", "0", "--to-time", "2026-03-01T11:00:00Z", "--force")).Expect(ExitCodes.Success);

        Assert.Equal((0L, 3L), Stored(await _workspace.CheckpointsAsync()));
    }

    [Fact]
    public async Task A_time_after_the_last_record_moves_to_the_partitions_end()
    {
        var topic = _kafka.NewTopic();
        await _kafka.ProduceAtAsync(topic, 0, Records(5));
        await _workspace.AddCheckpointAsync(topic, "0", 1, version: 2);

        (await _workspace.RunAsync("offsets", "set", "-s", topic, "-p", "0", "--to-time", "2026-03-01T12:30:00Z", "--force")).Expect(ExitCodes.Success);

        Assert.Equal((5L, 3L), Stored(await _workspace.CheckpointsAsync()));
    }

    [Fact]
    public async Task A_time_on_an_empty_partition_moves_to_its_end()
    {
        var topic = _kafka.NewTopic();
        await _workspace.AddCheckpointAsync(topic, "0", 0, version: 2);

        (await _workspace.RunAsync("offsets", "set", "-s", topic, "-p", "0", "--to-time", "2026-03-01T12:30:00Z", "--force")).Expect(ExitCodes.Success);

        Assert.Equal((0L, 3L), Stored(await _workspace.CheckpointsAsync()));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("12")]
    [InlineData("2026-13-01T00:00:00Z")]
    public async Task An_unreadable_time_is_bad_input_naming_the_format_and_nothing_changes(string time)
    {
        var topic = _kafka.NewTopic();
        await _workspace.AddCheckpointAsync(topic, "0", 1, version: 2);

        var result = (await _workspace.RunAsync("offsets", "set", "-s", topic, "-p", "0", "--to-time", time, "--force")).Expect(ExitCodes.Usage);

        Assert.Contains($"'{time}' is not a time: give an ISO 8601 time such as 2026-03-01T12:00:00Z", result.Error, StringComparison.Ordinal);
        Assert.Equal((1L, 2L), Stored(await _workspace.CheckpointsAsync()));
    }

    [Fact]
    public async Task A_time_with_another_target_is_a_usage_error()
    {
        var result = (await _workspace.RunAsync("offsets", "set", "-s", "t", "-p", "0", "--to-time", "2026-03-01T12:00:00Z", "--to-end")).Expect(ExitCodes.Usage);

        Assert.Contains("Give exactly one of --offset, --sequence, --to-end, --to-beginning, --to-time.", result.Error, StringComparison.Ordinal);
    }

    private static (long NextOffset, long Version) Stored(List<LogPipe.Hosting.EntityFrameworkCore.LogPipeCheckpoint> rows)
    {
        var row = Assert.Single(rows);
        return (row.NextOffset, row.Version);
    }

    private static (DateTimeOffset Time, byte[] Value)[] Records(int count) =>
        [.. Enumerable.Range(0, count).Select(i => (T0.AddMinutes(i), Encoding.UTF8.GetBytes(CliWorkspace.JoeV2)))];
}
