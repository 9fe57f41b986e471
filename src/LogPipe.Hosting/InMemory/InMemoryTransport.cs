using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.InMemory;

/// <summary>The in-memory transport over an <see cref="InMemoryBroker"/>.</summary>
public sealed class InMemoryTransport : ITransport, IRecordSender
{
    /// <summary>The name <c>LogPipe:Transport</c> selects it by.</summary>
    public const string TransportName = "InMemory";

    /// <summary>The <see cref="PartitionKey.Transport"/> of its partitions.</summary>
    public const string CheckpointScope = "memory";

    private readonly InMemoryBroker _broker;

    /// <summary>Creates the transport.</summary>
    /// <param name="broker">The broker holding the records.</param>
    public InMemoryTransport(InMemoryBroker broker) => _broker = broker;

    /// <inheritdoc />
    public string Name => TransportName;

    /// <inheritdoc />
    public IRecordSender Sender => this;

    /// <inheritdoc />
    public IRecordSource CreateSource(ConsumerDefinition consumer)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        return new InMemoryRecordSource(_broker, consumer.Stream);
    }

    /// <inheritdoc />
    public ValueTask<RecordPosition> SendAsync(OutgoingRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_broker.Append(record.Stream, record.Key, record.Value, record.Headers));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RecordPosition>> SendBatchAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        cancellationToken.ThrowIfCancellationRequested();
        var positions = new RecordPosition[records.Count];
        for (var i = 0; i < records.Count; i++) positions[i] = _broker.Append(records[i].Stream, records[i].Key, records[i].Value, records[i].Headers);
        return ValueTask.FromResult<IReadOnlyList<RecordPosition>>(positions);
    }
}
