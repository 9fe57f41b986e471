using System.Collections.Concurrent;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary>Versions of a person applied out of order, as <see cref="SequenceCheckingPersonSerializer"/> saw them.</summary>
public sealed class OrderViolations
{
    public ConcurrentQueue<string> Seen { get; } = new();
}
