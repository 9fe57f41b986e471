namespace LogPipe.Hosting;

/// <summary>One message of a batch handed to <see cref="IBatchMessageSerializer{TMessage}.SaveBatchAsync"/>.</summary>
/// <typeparam name="TMessage">The message body class.</typeparam>
public sealed class BatchItem<TMessage>
    where TMessage : class
{
    /// <summary>Creates an item.</summary>
    /// <param name="message">The validated message.</param>
    /// <param name="instance">What lookup found for it, or <see langword="null"/>.</param>
    /// <param name="partition">The partition or shard the record came from.</param>
    /// <param name="offset">The record's offset (Kafka) or position in the shard (Kinesis).</param>
    public BatchItem(TMessage message, object? instance, PartitionKey partition, long offset)
    {
        Message = message;
        Instance = instance;
        Partition = partition;
        Offset = offset;
    }

    /// <summary>The validated message.</summary>
    public TMessage Message { get; }

    /// <summary>
    /// The instance lookup found after the unit's prefetch (for a <see cref="ModelSerializer{TModel, TMessage}"/>, what
    /// <c>LookupInstanceAsync</c> returned, a <c>TModel</c>), or <see langword="null"/> when the message is new or the
    /// serializer does no lookup.
    /// </summary>
    public object? Instance { get; }

    /// <summary>The partition or shard the record came from.</summary>
    public PartitionKey Partition { get; }

    /// <summary>The record's offset (Kafka) or position in the shard (Kinesis): orders the items of one partition.</summary>
    public long Offset { get; }
}
