using Confluent.Kafka;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// One record handed to librdkafka and not yet reported: the <see cref="Message{TKey, TValue}"/> given to <c>Produce</c>
/// and, in the same object, the delivery handler that tells its batch which index was reported. Confluent keeps neither
/// after <c>Produce</c> returns (it copies key and value into librdkafka, and its shim holds only the handler), so once a
/// batch has every report its records go back to the <see cref="KafkaPendingRecordPool"/> and carry the next batch:
/// profiled, a message, a closure and a delegate per record were most of what LogPipe allocated over the raw client.
/// </summary>
internal sealed class KafkaPendingRecord : Message<byte[]?, byte[]>
{
    public KafkaPendingRecord() => OnDelivery = Report;

    /// <summary>The handler passed to <c>Produce</c>, made once per object.</summary>
    public Action<DeliveryReport<byte[]?, byte[]>> OnDelivery { get; }

    /// <summary>The batch this record belongs to while it is in flight.</summary>
    public KafkaBatchDelivery? Batch { get; set; }

    /// <summary>The record's index in its batch.</summary>
    public int Index { get; set; }

    /// <summary>The next record of the same batch, or of the pool's free list.</summary>
    public KafkaPendingRecord? Next { get; set; }

    /// <summary>Lets go of the record's key, value and headers (librdkafka has its own copies once it took the record).</summary>
    public void Clear() => (Key, Value, Headers) = (null, null!, null);

    private void Report(DeliveryReport<byte[]?, byte[]> report)
    {
        // Read and clear before reporting: the last report gives this object back to the pool, and another batch may take it.
        var batch = Batch!;
        var index = Index;
        Batch = null;
        Clear();
        batch.Report(index, report);
    }
}
