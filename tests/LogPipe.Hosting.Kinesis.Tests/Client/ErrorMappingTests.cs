using System.Net;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Kinesis.Tests.Client;

[Collection(SharedKinesalite.Name)]
public sealed class ErrorMappingTests(KinesaliteFixture kinesalite)
{
    [Fact]
    public async Task An_iterator_older_than_five_minutes_is_reported_as_expired_and_not_retried()
    {
        var name = await kinesalite.CreateStreamAsync("expired", shardCount: 1);
        using var handler = new FaultInjectingHandler();
        using var client = kinesalite.CreateClient(new HttpClient(handler));
        var iterator = (await client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = name,
            ShardId = "shardId-000000000000",
            ShardIteratorType = ShardIteratorType.TRIM_HORIZON,
        })).ShardIterator!;
        var stale = KinesaliteIterators.Age(iterator, TimeSpan.FromMinutes(6));
        var attemptsBefore = handler.Attempts;

        var error = await Assert.ThrowsAsync<KinesisExpiredIteratorException>(
            () => client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = stale }));

        Assert.Equal("ExpiredIteratorException", error.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
        Assert.Contains("GetRecords", error.Message, StringComparison.Ordinal);
        Assert.Contains("Iterator expired", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, handler.Attempts - attemptsBefore);
    }

    [Fact]
    public async Task A_garbage_iterator_is_a_validation_error()
    {
        using var client = kinesalite.CreateClient();

        var error = await Assert.ThrowsAsync<KinesisValidationException>(
            () => client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = "bm90LWFuLWl0ZXJhdG9y" }));

        Assert.Equal("InvalidArgumentException", error.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }

    [Fact]
    public async Task An_out_of_range_value_is_a_validation_error_and_is_not_retried()
    {
        using var handler = new FaultInjectingHandler();
        using var client = kinesalite.CreateClient(new HttpClient(handler));

        var error = await Assert.ThrowsAsync<KinesisValidationException>(
            () => client.CreateStreamAsync(new CreateStreamRequest { StreamName = KinesaliteFixture.UniqueStreamName("invalid"), ShardCount = 0 }));

        Assert.Equal("ValidationException", error.ErrorCode);
        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public async Task A_missing_stream_is_resource_not_found_and_is_not_retried()
    {
        using var handler = new FaultInjectingHandler();
        using var client = kinesalite.CreateClient(new HttpClient(handler));

        var error = await Assert.ThrowsAsync<KinesisResourceNotFoundException>(
            () => client.DescribeStreamSummaryAsync(new DescribeStreamSummaryRequest { StreamName = KinesaliteFixture.UniqueStreamName("missing") }));

        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public async Task Creating_an_existing_stream_is_resource_in_use()
    {
        var name = await kinesalite.CreateStreamAsync("exists", shardCount: 1);
        using var client = kinesalite.CreateClient();

        var error = await Assert.ThrowsAsync<KinesisResourceInUseException>(
            () => client.CreateStreamAsync(new CreateStreamRequest { StreamName = name, ShardCount = 1 }));

        Assert.Equal("ResourceInUseException", error.ErrorCode);
    }

    [Theory]
    [InlineData("ProvisionedThroughputExceededException", typeof(KinesisThrottledException))]
    [InlineData("LimitExceededException", typeof(KinesisThrottledException))]
    [InlineData("ThrottlingException", typeof(KinesisThrottledException))]
    [InlineData("KMSThrottlingException", typeof(KinesisThrottledException))]
    [InlineData("ExpiredIteratorException", typeof(KinesisExpiredIteratorException))]
    [InlineData("ResourceNotFoundException", typeof(KinesisResourceNotFoundException))]
    [InlineData("ResourceInUseException", typeof(KinesisResourceInUseException))]
    [InlineData("ValidationException", typeof(KinesisValidationException))]
    [InlineData("InvalidArgumentException", typeof(KinesisValidationException))]
    [InlineData("com.amazonaws.kinesis.v20131202#InvalidArgumentException:http://internal.amazon.com/", typeof(KinesisValidationException))]
    [InlineData("AccessDeniedException", typeof(KinesisException))]
    public async Task Each_error_type_maps_to_its_exception(string type, Type expected)
    {
        using var handler = FaultInjectingHandler.ScriptOnly();
        handler.Then(Enumerable.Repeat(FaultInjectingHandler.Error(HttpStatusCode.BadRequest, type, "scripted"), 10).ToArray());
        using var client = kinesalite.CreateClient(new HttpClient(handler), configure: o => o.MaxRetries = 1);

        var error = await Assert.ThrowsAnyAsync<KinesisException>(
            () => client.DescribeStreamSummaryAsync(new DescribeStreamSummaryRequest { StreamName = "any" }));

        Assert.IsType(expected, error);
        Assert.Equal(type.Split('#').Last().Split(':')[0], error.ErrorCode);
        Assert.Contains("scripted", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("injected-", error.RequestId, StringComparison.Ordinal);
    }
}
