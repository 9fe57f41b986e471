using System.Diagnostics;
using LogPipe.Hosting.Diagnostics;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// The relay's send span: one per relayed batch, linked to the trace of each writer whose context the entry kept. The
/// records carry the writers' context on unchanged, so a consumer's process span joins the trace that made the change.
/// </summary>
internal static class OutboxRelayTracing
{
    /// <summary>More links than this are not kept on one span (OpenTelemetry's default span link limit).</summary>
    private const int MaxLinks = 128;

    /// <summary>Starts the span of one relayed batch, or returns <see langword="null"/> when tracing is off or nobody listens.</summary>
    public static Activity? StartSend(LogPipeTelemetry? telemetry, string transportName, IReadOnlyList<OutgoingRecord> records)
    {
        if (telemetry is not { TracingEnabled: true } || records.Count == 0 || !LogPipeTelemetry.ActivitySource.HasListeners()) return null;
        var links = new List<ActivityLink>();
        var topic = records[0].Stream;
        foreach (var record in records)
        {
            if (record.Stream != topic) topic = null;
            if (links.Count < MaxLinks && TraceContext.TryExtract(record.Headers, out var writer, out _)) links.Add(new ActivityLink(writer));
            if (topic is null && links.Count >= MaxLinks) break;
        }

        // A batch across topics has no single destination: the conventions name its span by the operation alone.
        var activity = LogPipeTelemetry.ActivitySource.StartActivity(ActivityKind.Producer, links: links, name: topic is null ? "send" : $"send {topic}");
        if (activity is null) return null;
        activity.SetTag(MessagingAttributes.System, LogPipeTelemetry.MessagingSystem(transportName));
        activity.SetTag(MessagingAttributes.OperationType, MessagingAttributes.Send);
        activity.SetTag(MessagingAttributes.OperationName, MessagingAttributes.Send);
        if (topic is not null) activity.SetTag(MessagingAttributes.DestinationName, topic);
        activity.SetTag(MessagingAttributes.BatchMessageCount, records.Count);
        return activity;
    }

    /// <summary>Marks the batch's span failed.</summary>
    public static void Failed(Activity? activity, Exception exception)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.SetTag(MessagingAttributes.ErrorType, MessagingAttributes.ErrorTypeOf(exception));
    }
}
