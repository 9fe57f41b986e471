using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace LogPipe.Hosting.OpenTelemetry.Tests.Support;

/// <summary>
/// An OpenTelemetry tracer provider set up as a service would (<c>AddLogPipeInstrumentation()</c>) exporting to memory, plus
/// a source for the "request" spans tests send from, so LogPipe's spans can be found by the request's trace.
/// </summary>
public sealed class TraceCapture : IDisposable
{
    private static readonly ActivitySource Requests = new("LogPipe.Hosting.OpenTelemetry.Tests");
    private readonly List<Activity> _exported = [];
    private readonly TracerProvider _provider;

    public TraceCapture() =>
        _provider = Sdk.CreateTracerProviderBuilder().AddSource(Requests.Name).AddLogPipeInstrumentation().AddInMemoryExporter(_exported).Build()!;

    /// <summary>Starts a sampled span standing for the request that sends (the caller disposes it).</summary>
    public static Activity StartRequest(string name = "POST /people") =>
        Requests.StartActivity(name, ActivityKind.Server) ?? throw new InvalidOperationException("The request span was not sampled.");

    /// <summary>The exported spans of <paramref name="traceId"/>'s trace named <paramref name="name"/>.</summary>
    public List<Activity> Spans(ActivityTraceId traceId, string name)
    {
        lock (_exported) return _exported.Where(a => a.TraceId == traceId && a.DisplayName == name).ToList();
    }

    /// <summary>Every exported span named <paramref name="name"/>.</summary>
    public List<Activity> Spans(string name)
    {
        lock (_exported) return _exported.Where(a => a.DisplayName == name).ToList();
    }

    public void Dispose() => _provider.Dispose();
}
