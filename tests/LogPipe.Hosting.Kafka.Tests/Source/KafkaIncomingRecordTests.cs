using System.Text;
using Confluent.Kafka;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Kafka.Tests.Source;

/// <summary>A consumed record as the consumer service takes it.</summary>
public sealed class KafkaIncomingRecordTests
{
    private static readonly DateTimeOffset Received = new(2026, 12, 6, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void A_record_keeps_its_partition_offset_key_value_headers_and_time_and_carries_the_generation_it_was_read_in()
    {
        var written = new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);
        var result = Result(7, 1234, new Message<byte[]?, byte[]>
        {
            Key = "k"u8.ToArray(),
            Value = "json:{}"u8.ToArray(),
            Timestamp = new Timestamp(written),
            Headers = new Headers { { "traceparent", "00-abc"u8.ToArray() }, { "empty", [] } },
        });

        var record = KafkaIncomingRecord.From("people", result, generation: 5, Received);

        Assert.Equal(new PartitionKey("kafka", "people", "7"), record.Partition);
        Assert.Equal(1234, record.Offset);
        Assert.Equal("k", Encoding.UTF8.GetString(record.Key!.Value.Span));
        Assert.Equal("json:{}", Encoding.UTF8.GetString(record.Value.Span));
        Assert.Equal(written, record.Timestamp);
        Assert.Equal(5, record.Generation);
        Assert.Equal(["traceparent", "empty"], record.Headers!.Select(h => h.Key));
        Assert.Equal("00-abc", Encoding.UTF8.GetString(record.Headers![0].Value));
        Assert.Empty(record.Headers![1].Value);
        Assert.Equal(new Checkpoint(1235), record.NextCheckpoint);
    }

    [Fact]
    public void A_tombstone_without_key_headers_or_time_has_no_key_bytes_an_empty_value_and_the_time_it_was_received()
    {
        var result = Result(0, 0, new Message<byte[]?, byte[]> { Key = null, Value = null!, Timestamp = Timestamp.Default });

        var record = KafkaIncomingRecord.From("people", result, generation: 1, Received);

        Assert.True(record.Key is not { IsEmpty: false });
        Assert.True(record.Value.IsEmpty);
        Assert.Null(record.Headers);
        Assert.Equal(Received, record.Timestamp);
    }

    private static ConsumeResult<byte[]?, byte[]> Result(int partition, long offset, Message<byte[]?, byte[]> message) => new()
    {
        TopicPartitionOffset = new TopicPartitionOffset("people", partition, offset),
        Message = message,
    };
}
