using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.Producers;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Tests.Outbox;

/// <summary>
/// The in-memory transport with a broker an outbox test can take down (every send times out, nothing stored) and make
/// refuse records over a size for good, as Kafka refuses a record above <c>message.max.bytes</c>.
/// </summary>
internal sealed class ControllableBroker(InMemoryBroker broker) : ITransport, IRecordSender
{
    public const string TransportName = "Controllable";
    private readonly InMemoryTransport _inner = new(broker);

    public InMemoryBroker Broker { get; } = broker;

    public volatile bool Down;

    public int RefuseLargerThan { get; set; } = int.MaxValue;

    public int Sends;

    public string Name => TransportName;

    public IRecordSender Sender => this;

    public TransportRegistration Registration => new(TransportName, _ => this);

    public IRecordSource CreateSource(ConsumerDefinition consumer) => _inner.CreateSource(consumer);

    public async ValueTask<RecordPosition> SendAsync(OutgoingRecord record, CancellationToken cancellationToken) =>
        (await SendBatchAsync([record], cancellationToken))[0];

    public ValueTask<IReadOnlyList<RecordPosition>> SendBatchAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Sends);
        if (Down)
        {
            throw new RecordSendException($"{records.Count} records timed out: the broker is down.", "Local_MsgTimedOut", records.Count)
            {
                Positions = RecordSendException.NoneStored(records.Count),
            };
        }

        var positions = new RecordPosition?[records.Count];
        var refused = 0;
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Value.Length > RefuseLargerThan)
            {
                refused++;
                continue;
            }

            positions[i] = Broker.Append(records[i].Stream, records[i].Key, records[i].Value, records[i].Headers);
        }

        if (refused > 0)
        {
            throw new RecordSendException($"{refused} records are larger than the broker accepts ({RefuseLargerThan} bytes).", "Broker_MsgSizeTooLarge", refused)
            {
                Positions = positions,
            };
        }

        return ValueTask.FromResult<IReadOnlyList<RecordPosition>>([.. positions.Select(p => p!.Value)]);
    }
}
