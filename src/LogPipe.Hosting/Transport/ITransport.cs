using LogPipe.Hosting.Consumers;

namespace LogPipe.Hosting.Transport;

/// <summary>
/// A transport LogPipe can run on (Kafka, Kinesis, in-memory). Registered by <c>UseKafka()</c>, <c>UseKinesis()</c> and
/// the like; <c>LogPipe:Transport</c> picks the one in use.
/// </summary>
public interface ITransport
{
    /// <summary>The name <c>LogPipe:Transport</c> selects this transport by, for example <c>Kafka</c>.</summary>
    string Name { get; }

    /// <summary>The sender all producers share.</summary>
    IRecordSender Sender { get; }

    /// <summary>Creates the source for one consumer.</summary>
    /// <param name="consumer">The consumer's configuration.</param>
    /// <returns>A source that is not started yet.</returns>
    IRecordSource CreateSource(ConsumerDefinition consumer);
}
