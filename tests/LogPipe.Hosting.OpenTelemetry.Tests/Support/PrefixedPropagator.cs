using System.Diagnostics;

namespace LogPipe.Hosting.OpenTelemetry.Tests.Support;

/// <summary>An application's own propagator: the parent id in <c>x-parent</c>, baggage in <c>x-baggage</c> as key=value pairs.</summary>
public sealed class PrefixedPropagator : DistributedContextPropagator
{
    public const string ParentField = "x-parent";
    public const string BaggageField = "x-baggage";

    public override IReadOnlyCollection<string> Fields { get; } = [ParentField, BaggageField];

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
    {
        if (activity?.Id is not { } id || setter is null) return;
        setter(carrier, ParentField, id);
        if (activity.Baggage.Any()) setter(carrier, BaggageField, string.Join(';', activity.Baggage.Select(b => $"{b.Key}={b.Value}")));
    }

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceState = null;
        traceId = null;
        getter?.Invoke(carrier, ParentField, out traceId, out _);
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter)
    {
        string? value = null;
        getter?.Invoke(carrier, BaggageField, out value, out _);
        return value?.Split(';').Select(pair => pair.Split('=', 2)).Select(kv => new KeyValuePair<string, string?>(kv[0], kv.Length > 1 ? kv[1] : null)).ToList();
    }
}
