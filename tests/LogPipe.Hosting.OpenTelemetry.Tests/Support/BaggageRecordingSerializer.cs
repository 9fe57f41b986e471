using System.Diagnostics;

namespace LogPipe.Hosting.OpenTelemetry.Tests.Support;

/// <summary>Sends notes and, on the receiving side, records the baggage in effect while it saves one.</summary>
public sealed class BaggageRecordingSerializer(BaggageSeen seen) : MessageSerializer<Note>
{
    public const string Topic = "notes";

    public override string MessageType => "note";

    public override int Version => 1;

    public override Task SaveAsync(Note message, CancellationToken cancellationToken)
    {
        seen.Saves.Enqueue((message.Text, (Activity.Current?.Baggage ?? []).ToDictionary(b => b.Key, b => b.Value)));
        return Task.CompletedTask;
    }
}
