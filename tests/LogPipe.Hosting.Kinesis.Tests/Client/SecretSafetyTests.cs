using System.Net;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.TestSupport;
using static LogPipe.Hosting.Kinesis.Tests.Fixtures.FaultInjectingHandler;

namespace LogPipe.Hosting.Kinesis.Tests.Client;

[Collection(SharedKinesalite.Name)]
public sealed class SecretSafetyTests(KinesaliteFixture kinesalite)
{
    private const string Secret = "CANARY-secret-7f3a9c1e-must-never-be-printed";
    private const string Token = "CANARY-token-52b8e0d4-must-never-be-printed";

    [Fact]
    public void Options_ToString_masks_the_secret_key_and_session_token()
    {
        var options = kinesalite.CreateOptions(o =>
        {
            o.SecretKey = Secret;
            o.SessionToken = Token;
        });

        var text = options.ToString();

        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(KinesaliteFixture.AccessKey, text, StringComparison.Ordinal);
        Assert.Contains("SecretKey = ***", text, StringComparison.Ordinal);
        Assert.Contains("AKID****", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_secret_appears_in_no_exception_and_no_log_line_when_calls_fail()
    {
        var logs = new LogCapture();
        var logger = logs.CreateLogger<KinesisClient>();
        using var handler = new FaultInjectingHandler().Then(
            Error(HttpStatusCode.BadRequest, "ThrottlingException"),
            ConnectionRefused(),
            Error(HttpStatusCode.InternalServerError, "InternalFailure"),
            Error(HttpStatusCode.BadRequest, "ThrottlingException"));
        using var client = kinesalite.CreateClient(new HttpClient(handler), logger, o =>
        {
            o.SecretKey = Secret;
            o.SessionToken = Token;
        });
        var failures = new List<Exception>
        {
            // Retries exhausted: throttling, a network fault, a 5xx, throttling again.
            await Assert.ThrowsAnyAsync<KinesisException>(() => client.ListShardsAsync(new ListShardsRequest { StreamName = "any" })),
            // Errors from the real server: validation and not found.
            await Assert.ThrowsAnyAsync<KinesisException>(() => client.CreateStreamAsync(new CreateStreamRequest { StreamName = "x", ShardCount = 0 })),
            await Assert.ThrowsAnyAsync<KinesisException>(() => client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = "garbage" })),
            await Assert.ThrowsAnyAsync<KinesisException>(() => client.DescribeStreamSummaryAsync(new DescribeStreamSummaryRequest { StreamName = KinesaliteFixture.UniqueStreamName("gone") })),
        };

        // A closed port: nothing listens there.
        using var unreachable = new KinesisClient(
            kinesalite.CreateOptions(o =>
            {
                o.ServiceUrl = new Uri("http://127.0.0.1:9");
                o.SecretKey = Secret;
                o.MaxRetries = 1;
            }),
            logger: logger);
        failures.Add(await Assert.ThrowsAnyAsync<KinesisException>(() => unreachable.ListShardsAsync(new ListShardsRequest { StreamName = "any" })));

        Assert.NotEmpty(logs.Entries);
        Assert.DoesNotContain(Secret, logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, logs.AllText, StringComparison.Ordinal);
        foreach (var failure in failures)
        {
            Assert.DoesNotContain(Secret, failure.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(Token, failure.ToString(), StringComparison.Ordinal);
        }

        // The secret signs requests but never travels: not in any header or body that was sent.
        Assert.All(handler.Seen, r => Assert.DoesNotContain(Secret, string.Join("\n", r.Headers.Values) + r.Body, StringComparison.Ordinal));
    }
}
