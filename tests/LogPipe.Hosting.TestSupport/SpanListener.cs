using System.Collections.Concurrent;
using System.Diagnostics;

namespace LogPipe.Hosting.TestSupport;

/// <summary>
/// Records every LogPipe span that ends while it lives, all sampled, for tests that look at spans without OpenTelemetry's
/// SDK. It hears the whole process: tests find their own spans by trace id or by a topic name of their own.
/// </summary>
public sealed class SpanListener : IDisposable
{
    private readonly ActivityListener _listener;

    public SpanListener()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == LogPipeTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentQueue<Activity> Stopped { get; } = new();

    public void Dispose() => _listener.Dispose();
}
