using LogPipe.Sample.Serializers;

namespace LogPipe.Hosting.Benchmarks.Apps;

/// <summary>
/// Receives <c>person</c> version 2 and saves nothing: what is left is LogPipe's own cost per record (decode, dispatch,
/// deserialize, the unit of work and its checkpoints).
/// </summary>
public sealed class NoOpPersonSerializer : MessageSerializer<PersonMessageV2>
{
    /// <inheritdoc />
    public override string MessageType => "person";

    /// <inheritdoc />
    public override int Version => 2;

    /// <inheritdoc />
    public override bool BatchSaves => true;

    /// <inheritdoc />
    public override Task SaveAsync(PersonMessageV2 message, CancellationToken cancellationToken) => Task.CompletedTask;
}
