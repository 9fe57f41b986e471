using Amazon.Runtime;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Client.Transport;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;

namespace LogPipe.Hosting.Kinesis.Tests.Client;

public sealed class SigV4RequestSignerTests
{
    // The example credentials and request time of AWS's published SigV4 test suite.
    private static readonly ImmutableCredentials Example = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private static readonly DateTime ExampleTime = new(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);
    private static readonly KeyValuePair<string, string>[] ExampleHeaders =
        [new("Host", "example.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z")];

    [Theory]
    [InlineData("GET", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")] // get-vanilla
    [InlineData("POST", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")] // post-vanilla
    public void Matches_the_AWS_SigV4_test_suite(string method, string signature)
    {
        var authorization = SigV4RequestSigner.Authorize(
            Example, "us-east-1", "service", ExampleTime, method, new Uri("https://example.amazonaws.com/"), ExampleHeaders, SigV4RequestSigner.HashPayload([]));

        Assert.Equal(
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature={signature}",
            authorization);
    }

    [Fact]
    public void Query_parameters_are_signed_in_sorted_order()
    {
        // get-vanilla-query-order-key-case
        var authorization = SigV4RequestSigner.Authorize(
            Example, "us-east-1", "service", ExampleTime, "GET", new Uri("https://example.amazonaws.com/?Param2=value2&Param1=value1"), ExampleHeaders, SigV4RequestSigner.HashPayload([]));

        Assert.EndsWith("Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_carry_the_target_content_type_and_a_signature_over_them()
    {
        using var handler = FaultInjectingHandler.ScriptOnly().Then(FaultInjectingHandler.Ok("""{"ShardIterator":"abc"}"""));
        using var client = new LogPipe.Hosting.Kinesis.Client.KinesisClient(
            new() { Region = "eu-west-1", AccessKey = "AKIDSIGNING", SecretKey = "secret", SessionToken = "session-token" },
            new HttpClient(handler));

        await client.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = ShardIteratorType.LATEST });

        var request = Assert.Single(handler.Seen);
        Assert.Equal("Kinesis_20131202.GetShardIterator", request.Headers["X-Amz-Target"]);
        Assert.Equal("application/x-amz-json-1.1", request.Headers["Content-Type"]);
        Assert.Equal("kinesis.eu-west-1.amazonaws.com", request.Headers["Host"]);
        Assert.Equal("session-token", request.Headers["X-Amz-Security-Token"]);
        Assert.Matches(@"^\d{8}T\d{6}Z$", request.Headers["X-Amz-Date"]);
        Assert.Matches(
            @"^AWS4-HMAC-SHA256 Credential=AKIDSIGNING/\d{8}/eu-west-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$",
            request.Headers["Authorization"]);
    }
}
