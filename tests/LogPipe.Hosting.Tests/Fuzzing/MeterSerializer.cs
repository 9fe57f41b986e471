
namespace LogPipe.Hosting.Tests.Fuzzing;

/// <summary>Registers <see cref="Meter"/> as message type <c>meter</c> version 1; saves nothing.</summary>
public sealed class MeterSerializer : MessageSerializer<Meter>
{
    public override string MessageType => "meter";

    public override int Version => 1;

    public override Task SaveAsync(Meter message, CancellationToken cancellationToken) => Task.CompletedTask;
}
