using System.Net;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static LogPipe.Hosting.Kinesis.Tests.Fixtures.FaultInjectingHandler;

namespace LogPipe.Hosting.Kinesis.Tests.Client;

[Collection(SharedKinesalite.Name)]
public sealed class RetryTests(KinesaliteFixture kinesalite)
{
    [Fact]
    public async Task Throttling_twice_then_success_succeeds_on_the_third_attempt()
    {
        var name = await kinesalite.CreateStreamAsync("throttle", shardCount: 1);
        using var handler = new FaultInjectingHandler().Then(
            Error(HttpStatusCode.BadRequest, "ProvisionedThroughputExceededException", "Rate exceeded for shard shardId-000000000000"),
            Error(HttpStatusCode.BadRequest, "ProvisionedThroughputExceededException", "Rate exceeded for shard shardId-000000000000"));
        var logs = new LogCapture();
        var logger = logs.CreateLogger<KinesisClient>();
        using var client = kinesalite.CreateClient(new HttpClient(handler), logger);

        var response = await client.PutTextsAsync(name, "k", ["after-throttling"]);

        Assert.Equal(3, handler.Attempts);
        Assert.All(handler.Seen, r => Assert.Equal("PutRecords", r.Operation));
        Assert.NotNull(response.Records![0].SequenceNumber);
        Assert.Equal(2, logs.Entries.Count(e => e.EventId.Id == LogEvents.KinesisCallRetrying && e.Level == LogLevel.Warning));
        Assert.Contains(logs.Entries, e => e.Message.Contains("ProvisionedThroughputExceededException", StringComparison.Ordinal));

        // Each retry is signed anew (a fresh X-Amz-Date and signature would be needed after a long backoff).
        Assert.All(handler.Seen, r => Assert.StartsWith("AWS4-HMAC-SHA256 ", r.Headers["Authorization"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_errors_are_retried_whether_or_not_they_have_a_json_body()
    {
        var name = await kinesalite.CreateStreamAsync("5xx", shardCount: 1);
        using var handler = new FaultInjectingHandler().Then(
            Error(HttpStatusCode.InternalServerError, "InternalFailure"),
            Html(HttpStatusCode.BadGateway),
            Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable"));
        using var client = kinesalite.CreateClient(new HttpClient(handler));

        var summary = await client.DescribeStreamSummaryAsync(new DescribeStreamSummaryRequest { StreamName = name });

        Assert.Equal(StreamStatus.ACTIVE, summary.StreamDescriptionSummary!.StreamStatus);
        Assert.Equal(4, handler.Attempts);
    }

    [Fact]
    public async Task Network_faults_and_timeouts_are_retried()
    {
        var name = await kinesalite.CreateStreamAsync("network", shardCount: 1);
        using var handler = new FaultInjectingHandler().Then(ConnectionRefused(), Hang());
        // Long enough that the real call after the faults never times out on a busy CI machine.
        using var client = kinesalite.CreateClient(new HttpClient(handler), configure: o => o.RequestTimeout = TimeSpan.FromSeconds(2));

        var shards = await client.ListShardsAsync(new ListShardsRequest { StreamName = name });

        Assert.Single(shards.Shards!);
        Assert.Equal(3, handler.Attempts);
    }

    [Fact]
    public async Task Throttling_that_outlasts_the_retries_surfaces_as_KinesisThrottledException()
    {
        using var handler = ScriptOnly().Then(Enumerable.Repeat(Error(HttpStatusCode.BadRequest, "LimitExceededException", "slow down"), 10).ToArray());
        using var client = kinesalite.CreateClient(new HttpClient(handler), configure: o => o.MaxRetries = 2);

        var error = await Assert.ThrowsAsync<KinesisThrottledException>(
            () => client.ListShardsAsync(new ListShardsRequest { StreamName = "any" }));

        Assert.Equal("LimitExceededException", error.ErrorCode);
        Assert.Equal(3, handler.Attempts);
    }

    [Fact]
    public async Task An_unreachable_endpoint_fails_with_a_KinesisException_after_the_retries()
    {
        using var handler = ScriptOnly().Then(ConnectionRefused(), ConnectionRefused(), ConnectionRefused());
        using var client = kinesalite.CreateClient(new HttpClient(handler), configure: o => o.MaxRetries = 2);

        var error = await Assert.ThrowsAsync<KinesisException>(
            () => client.ListShardsAsync(new ListShardsRequest { StreamName = "any" }));

        Assert.Null(error.StatusCode);
        Assert.Null(error.ErrorCode);
        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.Equal(3, handler.Attempts);
    }

    [Fact]
    public async Task MaxRetries_zero_tries_once()
    {
        using var handler = ScriptOnly().Then(Error(HttpStatusCode.InternalServerError, "InternalFailure"));
        using var client = kinesalite.CreateClient(new HttpClient(handler), configure: o => o.MaxRetries = 0);

        await Assert.ThrowsAsync<KinesisException>(() => client.ListShardsAsync(new ListShardsRequest { StreamName = "any" }));

        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public async Task Cancelling_during_backoff_stops_retrying()
    {
        using var handler = ScriptOnly().Then(Enumerable.Repeat(Error(HttpStatusCode.BadRequest, "ThrottlingException"), 10).ToArray());
        // A clock that never moves: the backoff never ends by itself, whatever the jitter drew.
        var frozen = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var client = kinesalite.CreateClient(new HttpClient(handler), configure: o =>
        {
            o.MaxRetries = 10;
            o.BaseBackoff = TimeSpan.FromSeconds(30);
            o.MaxBackoff = TimeSpan.FromSeconds(30);
        }, timeProvider: frozen);
        using var cancel = new CancellationTokenSource();

        var call = client.ListShardsAsync(new ListShardsRequest { StreamName = "any" }, cancel.Token);
        while (handler.Attempts == 0)
        {
            await Task.Yield();
        }

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, handler.Attempts);
    }
}
