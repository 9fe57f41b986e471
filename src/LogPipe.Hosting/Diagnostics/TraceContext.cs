using System.Diagnostics;
using System.Text;

namespace LogPipe.Hosting.Diagnostics;

/// <summary>
/// W3C trace context in record headers (<c>traceparent</c>, <c>tracestate</c>). Headers are transport metadata: the
/// envelope bytes stay exactly django-logpipe's. Kinesis records have no headers, so context is not carried there.
/// </summary>
internal static class TraceContext
{
    /// <summary>The W3C <c>traceparent</c> header name.</summary>
    public const string TraceParent = "traceparent";

    /// <summary>The W3C <c>tracestate</c> header name.</summary>
    public const string TraceState = "tracestate";

    /// <summary>Headers carrying <paramref name="activity"/>'s context, or <see langword="null"/> without an activity.</summary>
    /// <param name="activity">The produce activity.</param>
    /// <returns>The headers.</returns>
    public static IReadOnlyList<KeyValuePair<string, byte[]>>? Inject(Activity? activity)
    {
        if (activity?.Id is not { } id || activity.IdFormat != ActivityIdFormat.W3C) return null;
        var headers = new List<KeyValuePair<string, byte[]>>(2) { new(TraceParent, Encoding.ASCII.GetBytes(id)) };
        if (!string.IsNullOrEmpty(activity.TraceStateString)) headers.Add(new(TraceState, Encoding.ASCII.GetBytes(activity.TraceStateString)));
        return headers;
    }

    /// <summary>The context carried in <paramref name="headers"/>, if any and well-formed.</summary>
    /// <param name="headers">Record headers.</param>
    /// <param name="context">The parent context.</param>
    /// <returns><see langword="true"/> when a valid <c>traceparent</c> was found.</returns>
    public static bool TryExtract(IReadOnlyList<KeyValuePair<string, byte[]>>? headers, out ActivityContext context)
    {
        context = default;
        if (headers is null) return false;
        string? parent = null, state = null;
        foreach (var (name, value) in headers)
        {
            if (name == TraceParent && value.Length <= 128) parent = Encoding.ASCII.GetString(value);
            else if (name == TraceState && value.Length <= 512) state = Encoding.ASCII.GetString(value);
        }

        return parent is not null && ActivityContext.TryParse(parent, state, isRemote: true, out context);
    }
}
