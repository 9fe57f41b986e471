using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary>
/// Sits between the transport's client and kinesalite and breaks things kinesalite never breaks, deterministically by call
/// count: throttles GetRecords and PutRecords calls, ages GetRecords iterators so kinesalite itself answers
/// ExpiredIteratorException, and fails chosen PutRecords entries (they are taken out of the request, so a failed entry is
/// really not stored, and put back into the answer with an error code), and sets the MillisBehindLatest of GetRecords
/// answers (kinesalite always says 0). Records every GetRecords call per shard and every entry that reached the server.
/// </summary>
public sealed class KinesisFaults : DelegatingHandler
{
    private int _getRecordsCalls;
    private int _putRecordsCalls;
    private int _throttled;
    private int _expired;
    private int _failedEntries;

    public KinesisFaults()
        : base(new SocketsHttpHandler())
    {
    }

    /// <summary>Every n-th GetRecords call is answered ProvisionedThroughputExceededException (0: never).</summary>
    public int ThrottleEveryNthGetRecords { get; set; }

    /// <summary>Every n-th GetRecords call is sent with its iterator aged past five minutes (0: never).</summary>
    public int ExpireEveryNthGetRecords { get; set; }

    /// <summary>Every n-th PutRecords call is answered ProvisionedThroughputExceededException, nothing stored (0: never).</summary>
    public int ThrottleEveryNthPutRecords { get; set; }

    /// <summary>Whether entry i of PutRecords call n (1-based) fails with ProvisionedThroughputExceededException.</summary>
    public Func<int, int, bool>? FailPutEntry { get; set; }

    /// <summary>The MillisBehindLatest to answer GetRecords calls on a shard with (by shard id; <see langword="null"/>: kinesalite's own).</summary>
    public Func<string, long?>? MillisBehindLatest { get; set; }

    public int Throttled => _throttled;

    public int Expired => _expired;

    public int FailedEntries => _failedEntries;

    public int PutRecordsCalls => _putRecordsCalls;

    /// <summary>When each GetRecords call was made, per shard.</summary>
    public ConcurrentQueue<(string Shard, DateTimeOffset At)> GetRecordsCalls { get; } = new();

    /// <summary>The data (base64) of every entry that reached the server, per PutRecords call.</summary>
    public ConcurrentQueue<IReadOnlyList<string>> Stored { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = request.Headers.TryGetValues("X-Amz-Target", out var targets) ? targets.First().Split('.').Last() : "";
        return operation switch
        {
            "GetRecords" => await GetRecordsAsync(request, cancellationToken),
            "PutRecords" => await PutRecordsAsync(request, cancellationToken),
            _ => await base.SendAsync(request, cancellationToken),
        };
    }

    private async Task<HttpResponseMessage> GetRecordsAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _getRecordsCalls);
        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
        var iterator = body["ShardIterator"]!.GetValue<string>();
        GetRecordsCalls.Enqueue((KinesaliteIterators.ShardOf(iterator), DateTimeOffset.UtcNow));
        if (ThrottleEveryNthGetRecords > 0 && n % ThrottleEveryNthGetRecords == 0)
        {
            Interlocked.Increment(ref _throttled);
            return Error("ProvisionedThroughputExceededException", "Rate exceeded for shard (injected)");
        }

        if (ExpireEveryNthGetRecords > 0 && n % ExpireEveryNthGetRecords == 0)
        {
            Interlocked.Increment(ref _expired);
            body["ShardIterator"] = KinesaliteIterators.Age(iterator, TimeSpan.FromMinutes(6));
            Replace(request, body);
        }

        var answer = await base.SendAsync(request, cancellationToken);
        if (MillisBehindLatest?.Invoke(KinesaliteIterators.ShardOf(iterator)) is not { } behind || !answer.IsSuccessStatusCode) return answer;
        using (answer)
        {
            var page = JsonNode.Parse(await answer.Content.ReadAsStringAsync(cancellationToken))!;
            page[nameof(LogPipe.Hosting.Kinesis.Client.Model.GetRecordsResponse.MillisBehindLatest)] = behind;
            return Json(answer.StatusCode, page.ToJsonString());
        }
    }

    private async Task<HttpResponseMessage> PutRecordsAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _putRecordsCalls);
        if (ThrottleEveryNthPutRecords > 0 && n % ThrottleEveryNthPutRecords == 0)
        {
            Interlocked.Increment(ref _throttled);
            return Error("ProvisionedThroughputExceededException", "Rate exceeded for stream (injected)");
        }

        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
        var entries = body["Records"]!.AsArray();
        var failing = Enumerable.Range(0, entries.Count).Where(i => FailPutEntry?.Invoke(n, i) == true).ToHashSet();
        var kept = new JsonArray(entries.Where((_, i) => !failing.Contains(i)).Select(e => e!.DeepClone()).ToArray());
        Stored.Enqueue(kept.Select(e => e!["Data"]!.GetValue<string>()).ToList());
        if (failing.Count == 0) return await base.SendAsync(request, cancellationToken);

        Interlocked.Add(ref _failedEntries, failing.Count);
        var results = new List<JsonNode?>();
        if (kept.Count > 0)
        {
            body["Records"] = kept;
            Replace(request, body);
            using var forwarded = await base.SendAsync(request, cancellationToken);
            forwarded.EnsureSuccessStatusCode();
            var answer = JsonNode.Parse(await forwarded.Content.ReadAsStringAsync(cancellationToken))!;
            results.AddRange(answer["Records"]!.AsArray().Select(r => r!.DeepClone()));
        }

        var merged = new JsonArray();
        var next = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            merged.Add(failing.Contains(i)
                ? new JsonObject { ["ErrorCode"] = "ProvisionedThroughputExceededException", ["ErrorMessage"] = "Rate exceeded for shard (injected)" }
                : results[next++]);
        }

        return Json(HttpStatusCode.OK, new JsonObject { ["FailedRecordCount"] = failing.Count, ["Records"] = merged }.ToJsonString());
    }

    private static void Replace(HttpRequestMessage request, JsonNode body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToJsonString()));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Content = content;
    }

    private static HttpResponseMessage Error(string type, string message) =>
        Json(HttpStatusCode.BadRequest, new JsonObject { ["__type"] = type, ["message"] = message }.ToJsonString());

    private static HttpResponseMessage Json(HttpStatusCode status, string json)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        response.Headers.TryAddWithoutValidation("x-amzn-RequestId", "injected-" + Guid.NewGuid().ToString("N"));
        return response;
    }
}
