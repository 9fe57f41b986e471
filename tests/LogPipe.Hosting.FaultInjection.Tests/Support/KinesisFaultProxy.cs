using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// An HTTP proxy on 127.0.0.1 between Kinesis clients — a scenario's producer and its worker processes — and kinesalite,
/// injecting the faults Kinesis has and kinesalite never shows:
/// <list type="bullet">
/// <item><b>Throttling storms</b>: for a while every request is answered with Kinesis' throttling error (HTTP 400;
/// <c>ProvisionedThroughputExceededException</c> for PutRecords and GetRecords, <c>LimitExceededException</c> for
/// GetShardIterator, ListShards and DescribeStreamSummary) and nothing reaches the server. A storm breaks out after a
/// random calm, and with load: after a random number of PutRecords calls (a producer sending too fast) or of GetRecords
/// calls (readers polling too often), the call that brings it included.</item>
/// <item><b>Expired iterators</b>: after a random number of GetRecords calls, one is passed on with its iterator aged past
/// five minutes, so that kinesalite itself answers <c>ExpiredIteratorException</c>.</item>
/// </list>
/// Everything else passes through unchanged. It counts requests and throttled answers per operation, and the expired
/// iterators kinesalite reported.
/// </summary>
/// <remarks>
/// <see cref="HttpListener"/>, not Kestrel: a framework reference to ASP.NET Core would change how the worker, built into
/// this project's output folder, resolves its Microsoft.Extensions assemblies.
/// </remarks>
public sealed class KinesisFaultProxy : IAsyncDisposable
{
    private const string PutRecords = "PutRecords";
    private const string GetRecords = "GetRecords";

    private static readonly Dictionary<string, string> ThrottlingErrors = new(StringComparer.Ordinal)
    {
        [PutRecords] = "ProvisionedThroughputExceededException",
        ["PutRecord"] = "ProvisionedThroughputExceededException",
        [GetRecords] = "ProvisionedThroughputExceededException",
        ["GetShardIterator"] = "LimitExceededException",
        ["ListShards"] = "LimitExceededException",
        ["DescribeStreamSummary"] = "LimitExceededException",
    };

    // Hop-by-hop and framing headers: each side of the proxy sets its own.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Content-Type", "Expect",
    };

    private readonly Uri _target;
    private readonly Random _random;
    private readonly object _gate = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) }) { Timeout = TimeSpan.FromSeconds(60) };
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _throttled = new(StringComparer.Ordinal);
    private readonly Countdown _putStorm;
    private readonly Countdown _getStorm;
    private readonly Countdown _expiry;
    private Task _calmStorms = Task.CompletedTask;
    private Task _accepting = Task.CompletedTask;
    private long _stormEnds;
    private int _storms;
    private int _expired;

    /// <summary>A proxy for the kinesalite server at <paramref name="target"/>; <paramref name="random"/> draws every fault.</summary>
    public KinesisFaultProxy(Uri target, Random random)
    {
        _target = target;
        _random = random;
        _putStorm = new Countdown(random, 500, 1500);
        _getStorm = new Countdown(random, 5, 20);
        // The first GetRecords that gets through is aged: a short run under throttling storms (most GetRecords throttled)
        // met no expiry at all in one CI run; later ones come every 3 to 10.
        _expiry = new Countdown(random, 3, 10, first: 1);
    }

    /// <summary>Where clients send their requests, such as <c>http://127.0.0.1:41235/</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Throttling storms so far.</summary>
    public int Storms => Volatile.Read(ref _storms);

    /// <summary>Requests answered with a throttling error, all operations together.</summary>
    public int Throttled => _throttled.Values.Sum();

    /// <summary>Requests answered with a throttling error, per operation.</summary>
    public IReadOnlyDictionary<string, int> ThrottledByOperation => _throttled;

    /// <summary>Requests received, per operation.</summary>
    public IReadOnlyDictionary<string, int> Requests => _requests;

    /// <summary>GetRecords calls that kinesalite answered with <c>ExpiredIteratorException</c> because the proxy aged their iterator.</summary>
    public int ExpiredIterators => Volatile.Read(ref _expired);

    private bool InStorm => Stopwatch.GetTimestamp() < Volatile.Read(ref _stormEnds);

    /// <summary>What was injected, for the figures: storms, throttled requests per operation, expired iterators.</summary>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Storms} throttling storms: {Throttled:N0} requests throttled ({Breakdown(_throttled)}); {ExpiredIterators} iterators expired");

    /// <summary>Requests received per operation, for the notes.</summary>
    public string DescribeRequests() => Breakdown(_requests);

    /// <summary>Starts listening on a free loopback port, and the storms that come after a calm.</summary>
    public void Start()
    {
        // HttpListener cannot bind port 0: take a port the OS says is free, and another if it was taken meanwhile.
        for (var attempt = 1; ; attempt++)
        {
            var url = $"http://127.0.0.1:{FreePort()}/";
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add(url);
            try
            {
                _listener.Start();
                Url = new Uri(url);
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }

        var stopping = _stopping.Token;
        _accepting = Task.Run(() => AcceptAsync(stopping), CancellationToken.None);
        _calmStorms = Task.Run(() => StormsAfterCalmAsync(stopping), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _calmStorms;
        _listener.Close();
        await _accepting;
        _http.Dispose();
        _stopping.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task StormsAfterCalmAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                // The calm between two faults and the storm's length: spans of time, not conditions to wait for.
                await Task.Delay(Draw(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(6)), cancellationToken);
                await Task.Delay(StartStorm(), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Starts a storm of 0.3 to 1.5 s, unless one is raging; returns how long it lasts.</summary>
    private TimeSpan StartStorm()
    {
        lock (_gate)
        {
            if (InStorm) return TimeSpan.Zero;
            var length = Draw(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(1500));
            Volatile.Write(ref _stormEnds, Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency));
            _storms++;
            return length;
        }
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // the listener was closed
            }

            _ = Task.Run(() => HandleAsync(context, cancellationToken), CancellationToken.None);
        }
    }

    private async Task HandleAsync(HttpListenerContext context, CancellationToken stopping)
    {
        var target = context.Request.Headers["X-Amz-Target"] ?? "";
        var operation = target[(target.LastIndexOf('.') + 1)..];
        _requests.AddOrUpdate(operation, 1, (_, n) => n + 1);
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer, stopping);
            var body = buffer.ToArray();

            bool throttle, age;
            lock (_gate)
            {
                if ((operation == PutRecords && _putStorm.Tick()) || (operation == GetRecords && _getStorm.Tick())) StartStorm();
                throttle = InStorm && ThrottlingErrors.ContainsKey(operation);
                age = !throttle && operation == GetRecords && _expiry.Tick();
            }

            if (throttle)
            {
                _throttled.AddOrUpdate(operation, 1, (_, n) => n + 1);
                var error = new JsonObject { ["__type"] = ThrottlingErrors[operation], ["message"] = "Rate exceeded (injected by the fault proxy)" };
                await AnswerAsync(
                    context.Response,
                    HttpStatusCode.BadRequest,
                    [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", "throttled-" + Guid.NewGuid().ToString("N"))],
                    Encoding.UTF8.GetBytes(error.ToJsonString()),
                    stopping);
                return;
            }

            await ForwardAsync(context, age ? WithAgedIterator(body) : body, age, stopping);
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException or HttpRequestException)
        {
            // The client went away (a worker killed mid-request), the proxy is stopping, or kinesalite did not answer: the
            // connection is dropped, which a client takes for a network fault.
            context.Response.Abort();
        }
    }

    private async Task ForwardAsync(HttpListenerContext context, byte[] body, bool aged, CancellationToken stopping)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_target, context.Request.Url!.PathAndQuery))
        {
            Content = new ByteArrayContent(body),
        };
        foreach (var name in context.Request.Headers.AllKeys.OfType<string>())
        {
            if (!NotForwarded.Contains(name)) request.Headers.TryAddWithoutValidation(name, context.Request.Headers.GetValues(name) ?? []);
        }

        if (context.Request.ContentType is { } contentType) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await _http.SendAsync(request, stopping);
        var answer = await response.Content.ReadAsByteArrayAsync(stopping);
        if (aged && Encoding.UTF8.GetString(answer).Contains("ExpiredIteratorException", StringComparison.Ordinal)) Interlocked.Increment(ref _expired);

        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => !NotForwarded.Contains(h.Key) || h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Select(v => (h.Key, v)));
        await AnswerAsync(context.Response, response.StatusCode, headers, answer, stopping);
    }

    private static async Task AnswerAsync(HttpListenerResponse response, HttpStatusCode status, IEnumerable<(string Name, string Value)> headers, byte[] body, CancellationToken stopping)
    {
        response.StatusCode = (int)status;
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) response.ContentType = value;
            else response.Headers.Add(name, value);
        }

        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body, stopping);
        response.Close();
    }

    /// <summary>The GetRecords request with its iterator as if issued six minutes ago (kinesalite's iterators live five).</summary>
    private static byte[] WithAgedIterator(byte[] body)
    {
        var request = JsonNode.Parse(body)!;
        request["ShardIterator"] = KinesaliteIterators.Age(request["ShardIterator"]!.GetValue<string>(), TimeSpan.FromMinutes(6));
        return Encoding.UTF8.GetBytes(request.ToJsonString());
    }

    private TimeSpan Draw(TimeSpan min, TimeSpan max)
    {
        lock (_gate) return min + ((max - min) * _random.NextDouble());
    }

    private static string Breakdown(IReadOnlyDictionary<string, int> counts) =>
        string.Join(", ", counts.Where(c => c.Value > 0).OrderByDescending(c => c.Value).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value:N0}")));

    /// <summary>
    /// Says when the n-th event since the last one has come, n drawn anew each time between two bounds; the first comes
    /// at <c>first</c> when given, else anywhere up to the upper bound (a random phase), so a short run meets it too.
    /// Under the gate.
    /// </summary>
    private sealed class Countdown(Random random, int min, int max, int? first = null)
    {
        private int _left = first ?? random.Next(1, max + 1);

        public bool Tick()
        {
            if (--_left > 0) return false;
            _left = random.Next(min, max + 1);
            return true;
        }
    }
}
