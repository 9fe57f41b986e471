using Confluent.Kafka;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>What is on a topic, read straight from the broker: where each partition ends and which people it holds.</summary>
public static class TopicLog
{
    private static ConsumerConfig Config(string bootstrapServers) => new()
    {
        BootstrapServers = bootstrapServers,
        GroupId = "topic-log-" + Guid.NewGuid().ToString("N"),
        EnableAutoCommit = false,
        FetchQueueBackoffMs = 10,
        FetchWaitMaxMs = 100,
        ReconnectBackoffMs = 50,
        ReconnectBackoffMaxMs = 500,
    };

    /// <summary>The end (high watermark) of every partition that holds records, by partition number as text.</summary>
    public static Dictionary<string, long> EndOffsets(string bootstrapServers, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(Config(bootstrapServers)).Build();
        return Enumerable.Range(0, partitions)
            .Select(p => (Partition: p, End: consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(30)).High.Value))
            .Where(p => p.End > 0)
            .ToDictionary(p => p.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.End);
    }

    /// <summary>How often each person's uuid occurs on the topic (a re-sent record occurs twice).</summary>
    public static Dictionary<Guid, int> PersonOccurrences(string bootstrapServers, string topic, int partitions)
    {
        var ends = EndOffsets(bootstrapServers, topic, partitions);
        var counts = new Dictionary<Guid, int>();
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(Config(bootstrapServers)).Build();
        consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(topic, int.Parse(p, System.Globalization.CultureInfo.InvariantCulture), Offset.Beginning)));
        var remaining = ends.Values.Sum();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (remaining > 0 && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is null || result.IsPartitionEOF) continue;
            remaining--;
            PersonRecords.Count(counts, result.Message.Value);
        }

        Assert.True(remaining == 0, $"{remaining} records of {topic} could not be read back within 2 minutes.");
        return counts;
    }
}
