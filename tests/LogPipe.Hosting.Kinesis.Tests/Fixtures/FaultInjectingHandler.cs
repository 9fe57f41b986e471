using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace LogPipe.Hosting.Kinesis.Tests.Fixtures;

/// <summary>
/// Sits in front of the real transport (or answers alone when it has none): records every request the
/// client sends, and answers the next ones with scripted faults before letting requests through.
/// </summary>
public sealed class FaultInjectingHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<Fault> _faults = new();
    private readonly ConcurrentQueue<SeenRequest> _seen = new();

    /// <summary>A scripted answer (or exception, or delay) for one request.</summary>
    public delegate Task<HttpResponseMessage> Fault(HttpRequestMessage request, CancellationToken cancellationToken);

    /// <summary>A request as the client sent it.</summary>
    public sealed record SeenRequest(string? Operation, string Body, IReadOnlyDictionary<string, string> Headers);

    /// <summary>Forwards to a real socket handler once the scripted faults are used up.</summary>
    public FaultInjectingHandler()
        : base(new SocketsHttpHandler())
    {
    }

    /// <summary>Answers only from the script; a request past its end fails the test.</summary>
    public static FaultInjectingHandler ScriptOnly() => new(scriptOnly: true);

    private FaultInjectingHandler(bool scriptOnly)
    {
        _ = scriptOnly;
    }

    /// <summary>How many requests reached the handler.</summary>
    public int Attempts => _seen.Count;

    /// <summary>Every request so far, in order.</summary>
    public IReadOnlyList<SeenRequest> Seen => [.. _seen];

    /// <summary>Adds faults to the script, answered in order before anything passes through.</summary>
    public FaultInjectingHandler Then(params Fault[] faults)
    {
        foreach (var fault in faults)
        {
            _faults.Enqueue(fault);
        }

        return this;
    }

    /// <summary>An AWS JSON 1.1 error answer, as Kinesis sends it.</summary>
    public static Fault Error(HttpStatusCode status, string type, string message = "injected by the test") =>
        (_, _) => Task.FromResult(Json(status, $$"""{"__type":"{{type}}","message":"{{message}}"}"""));

    /// <summary>A non-JSON answer, as a load balancer or proxy sends it.</summary>
    public static Fault Html(HttpStatusCode status) =>
        (_, _) => Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent("<html><body>Bad gateway</body></html>", Encoding.UTF8, "text/html") });

    /// <summary>A successful JSON answer with the given body.</summary>
    public static Fault Ok(string json) => (_, _) => Task.FromResult(Json(HttpStatusCode.OK, json));

    /// <summary>A connection failure.</summary>
    public static Fault ConnectionRefused() =>
        (_, _) => Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused (injected)", new System.Net.Sockets.SocketException(111)));

    /// <summary>An answer that never comes (until the client gives up on the attempt).</summary>
    public static Fault Hang() =>
        async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            throw new InvalidOperationException("unreachable");
        };

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers
            .Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var operation = headers.TryGetValue("X-Amz-Target", out var target) ? target.Split('.').Last() : null;
        _seen.Enqueue(new SeenRequest(operation, body, headers));

        if (_faults.TryDequeue(out var fault))
        {
            return await fault(request, cancellationToken);
        }

        if (InnerHandler is null)
        {
            throw new InvalidOperationException($"The script has no answer for request {Attempts} ({operation}).");
        }

        return await base.SendAsync(request, cancellationToken);
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        response.Headers.TryAddWithoutValidation("x-amzn-RequestId", "injected-" + Guid.NewGuid().ToString("N"));
        return response;
    }
}
