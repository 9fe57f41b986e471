namespace LogPipe.Hosting.Transport;

/// <summary>
/// A transport LogPipe can run on (Kafka, Kinesis, in-memory). Registered by <c>UseKafka()</c>, <c>UseKinesis()</c> and
/// the like; <c>LogPipe:Transport</c> picks the one in use.
/// </summary>
/// <remarks>Extension point for transport authors: implement it (with <see cref="IRecordSource"/> and <see
/// cref="IRecordSender"/>) to move records over another broker, and add it with a <see cref="TransportRegistration"/>
/// singleton from a <c>LogPipeBuilder</c> extension method. See docs/extending.md.</remarks>
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
