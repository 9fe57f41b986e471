using System.Collections.Concurrent;

namespace LogPipe.Hosting.OpenTelemetry.Tests.Support;

/// <summary>The baggage <see cref="System.Diagnostics.Activity.Current"/> carried while <see cref="BaggageRecordingSerializer"/> saved each note.</summary>
public sealed class BaggageSeen
{
    public ConcurrentQueue<(string Text, Dictionary<string, string?> Baggage)> Saves { get; } = new();
}
