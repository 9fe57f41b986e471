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
        var counts = new Dictionary<Guid, int>();
        foreach (var record in Records(bootstrapServers, topic, partitions)) PersonRecords.Count(counts, record.Value);
        return counts;
    }

    /// <summary>Every record on the topic, partition by partition in offset order, with its headers as UTF-8 text.</summary>
    public static List<LoggedRecord> Records(string bootstrapServers, string topic, int partitions)
    {
        var ends = EndOffsets(bootstrapServers, topic, partitions);
        var records = new List<LoggedRecord>();
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(Config(bootstrapServers)).Build();
        consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(topic, int.Parse(p, System.Globalization.CultureInfo.InvariantCulture), Offset.Beginning)));
        var remaining = ends.Values.Sum();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (remaining > 0 && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is null || result.IsPartitionEOF) continue;
            remaining--;
            var headers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var header in result.Message.Headers ?? []) headers[header.Key] = System.Text.Encoding.UTF8.GetString(header.GetValueBytes());
            records.Add(new LoggedRecord(result.Partition.Value, result.Offset.Value, result.Message.Value, headers));
        }

        Assert.True(remaining == 0, $"{remaining} records of {topic} could not be read back within 2 minutes.");
        return [.. records.OrderBy(r => r.Partition).ThenBy(r => r.Offset)];
    }
}
