using LogPipe.Cli.Tests.Support;
using LogPipe.Hosting.Operations;
using Microsoft.Extensions.Configuration;

namespace LogPipe.Cli.Tests;

/// <summary>
/// The binary search that finds the first offset at or after a time where the broker cannot answer: Kafka's semantics
/// (equal timestamps: the first of them), in about log2(n) single-record reads.
/// </summary>
public sealed class KafkaTimestampSearchTests : IClassFixture<KafkaFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly KafkaFixture _kafka;

    public KafkaTimestampSearchTests(KafkaFixture kafka) => _kafka = kafka;

    [Fact]
    public async Task Each_time_finds_the_first_record_at_or_after_it_in_about_log2_n_reads()
    {
        // 200 records, two per second: offsets 2k and 2k+1 carry T0 + k s.
        var topic = _kafka.NewTopic();
        await _kafka.ProduceAtAsync(topic, 0, [.. Enumerable.Range(0, 200).Select(i => (T0.AddSeconds(i / 2), new byte[] { 1 }))]);
        var kafka = KafkaConnection.Create(new ConfigurationBuilder().Build(), _kafka.BootstrapServers, TimeSpan.FromSeconds(10), null);
        using var search = new KafkaTimestampSearch(kafka, topic, 0);

        var answers = new[] { -5.0, 0, 0.5, 37, 37.2, 99, 99.5, 100, 500 }.Select(s => (search.Find(T0.AddSeconds(s), 0, 200), search.Reads)).ToList();

        Assert.Equal([0L, 0, 2, 74, 76, 198, 200, 200, 200], answers.Select(a => a.Item1));
        Assert.All(answers, a => Assert.InRange(a.Reads, 1, 9)); // ceil(log2(200)) = 8, plus the read that finds the end
    }

    [Fact]
    public async Task A_search_over_part_of_the_partition_stays_inside_it()
    {
        var topic = _kafka.NewTopic();
        await _kafka.ProduceAtAsync(topic, 0, [.. Enumerable.Range(0, 10).Select(i => (T0.AddMinutes(i), new byte[] { 1 }))]);
        var kafka = KafkaConnection.Create(new ConfigurationBuilder().Build(), _kafka.BootstrapServers, TimeSpan.FromSeconds(10), null);
        using var search = new KafkaTimestampSearch(kafka, topic, 0);

        Assert.Equal(4L, search.Find(T0, 4, 8));
        Assert.Equal(8L, search.Find(T0.AddHours(1), 4, 8));
        Assert.Equal(6L, search.Find(T0.AddMinutes(5.5), 4, 8));
    }
}
