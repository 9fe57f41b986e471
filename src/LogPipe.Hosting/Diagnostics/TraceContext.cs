using System.Diagnostics;
using System.Text;

namespace LogPipe.Hosting.Diagnostics;

/// <summary>
/// Trace context and baggage in record headers, written and read by the application's
/// <see cref="DistributedContextPropagator.Current"/> (W3C <c>traceparent</c>, <c>tracestate</c>, <c>baggage</c> by default).
/// Headers are transport metadata: the envelope bytes stay exactly django-logpipe's. Kinesis records have no headers, so
/// context is not carried there.
/// </summary>
internal static class TraceContext
{
    /// <summary>A header longer than this is not read as a propagation field (a W3C baggage header is at most 8,192 bytes).</summary>
    private const int MaxFieldBytes = 8192;

    /// <summary>Headers carrying <paramref name="activity"/>'s context and baggage, or <see langword="null"/> without an activity.</summary>
    /// <param name="activity">The send activity, or the writer's current activity for an outbox entry.</param>
    /// <returns>The headers, or <see langword="null"/> when there is nothing to carry.</returns>
    public static List<KeyValuePair<string, byte[]>>? Inject(Activity? activity)
    {
        if (activity is null) return null;
        var headers = new List<KeyValuePair<string, byte[]>>(3);
        DistributedContextPropagator.Current.Inject(activity, headers, static (carrier, name, value) =>
        {
            if (carrier is List<KeyValuePair<string, byte[]>> list && value is not null) list.Add(new(name, Encoding.UTF8.GetBytes(value)));
        });
        return headers.Count == 0 ? null : headers;
    }

    /// <summary>The context and baggage carried in <paramref name="headers"/>, if any and well-formed.</summary>
    /// <param name="headers">Record headers.</param>
    /// <param name="context">The parent context.</param>
    /// <param name="baggage">The baggage carried, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when a valid parent context was found.</returns>
    public static bool TryExtract(IReadOnlyList<KeyValuePair<string, byte[]>>? headers, out ActivityContext context, out IEnumerable<KeyValuePair<string, string?>>? baggage)
    {
        context = default;
        baggage = null;
        if (headers is null || headers.Count == 0) return false;
        var propagator = DistributedContextPropagator.Current;
        propagator.ExtractTraceIdAndState(headers, ReadField, out var traceId, out var traceState);
        baggage = propagator.ExtractBaggage(headers, ReadField);
        return traceId is not null && ActivityContext.TryParse(traceId, traceState, isRemote: true, out context);
    }

    /// <summary>Adds <paramref name="baggage"/> to <paramref name="activity"/> so it is what <see cref="Activity.Baggage"/> enumerates.</summary>
    /// <param name="activity">The process activity.</param>
    /// <param name="baggage">The extracted baggage.</param>
    public static void AddBaggage(Activity activity, IEnumerable<KeyValuePair<string, string?>>? baggage)
    {
        if (baggage is null) return;
        // Activity.Baggage lists the latest addition first; adding in reverse keeps the sender's order.
        foreach (var (key, value) in baggage.Reverse()) activity.AddBaggage(key, value);
    }

    private static void ReadField(object? carrier, string fieldName, out string? fieldValue, out IEnumerable<string>? fieldValues)
    {
        fieldValue = null;
        fieldValues = null;
        if (carrier is not IReadOnlyList<KeyValuePair<string, byte[]>> headers) return;
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = headers[i];
            if (value is { Length: <= MaxFieldBytes } && string.Equals(name, fieldName, StringComparison.OrdinalIgnoreCase))
            {
                fieldValue = Encoding.UTF8.GetString(value);
                return;
            }
        }
    }
}
