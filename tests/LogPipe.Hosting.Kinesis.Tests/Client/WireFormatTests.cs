using System.Text;
using System.Text.Json;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using static LogPipe.Hosting.Kinesis.Tests.Fixtures.FaultInjectingHandler;

namespace LogPipe.Hosting.Kinesis.Tests.Client;

public sealed class WireFormatTests
{
    [Fact]
    public async Task Record_data_goes_out_as_base64_and_unset_members_are_left_out()
    {
        using var handler = ScriptOnly().Then(Ok("""{"FailedRecordCount":0,"Records":[{"SequenceNumber":"1","ShardId":"shardId-000000000000"}]}"""));
        using var client = ScriptedKinesis.Client(handler);

        await client.PutRecordsAsync(new PutRecordsRequest
        {
            StreamName = "people",
            Records = [new PutRecordsRequestEntry { PartitionKey = "42", Data = new byte[] { 0, 1, 2, 250, 255 } }],
        });

        Assert.Equal("""{"StreamName":"people","Records":[{"Data":"AAEC+v8=","PartitionKey":"42"}]}""", handler.Seen[0].Body);
    }

    [Fact]
    public async Task Timestamps_go_out_as_epoch_seconds_with_milliseconds()
    {
        using var handler = ScriptOnly().Then(Ok("""{"ShardIterator":"it"}"""));
        using var client = ScriptedKinesis.Client(handler);

        await client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = "people",
            ShardId = "shardId-000000000001",
            ShardIteratorType = ShardIteratorType.AT_TIMESTAMP,
            Timestamp = new DateTime(2023, 11, 14, 22, 13, 20, 123, DateTimeKind.Utc),
        });

        Assert.Equal(
            """{"StreamName":"people","ShardId":"shardId-000000000001","ShardIteratorType":"AT_TIMESTAMP","Timestamp":1700000000.123}""",
            handler.Seen[0].Body);
    }

    [Fact]
    public async Task GetRecords_answers_are_read_into_the_model()
    {
        using var handler = ScriptOnly().Then(Ok("""
            {"Records":[{"SequenceNumber":"49590338271490256608559692538361571095921575989136588898","ApproximateArrivalTimestamp":1700000000.123,
                         "Data":"aGVsbG8=","PartitionKey":"pk","EncryptionType":"NONE"}],
             "NextShardIterator":"next","MillisBehindLatest":1500,
             "ChildShards":[{"ShardId":"shardId-000000000002","ParentShards":["shardId-000000000000"],"HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"99"}}]}
            """));
        using var client = ScriptedKinesis.Client(handler);

        var response = await client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = "it", Limit = 100 });

        var record = Assert.Single(response.Records!);
        Assert.Equal("49590338271490256608559692538361571095921575989136588898", record.SequenceNumber);
        Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20, 123, DateTimeKind.Utc), record.ApproximateArrivalTimestamp);
        Assert.Equal(DateTimeKind.Utc, record.ApproximateArrivalTimestamp!.Value.Kind);
        Assert.Equal("hello", Encoding.UTF8.GetString(record.Data.Span));
        Assert.Equal("pk", record.PartitionKey);
        Assert.Equal("next", response.NextShardIterator);
        Assert.Equal(1500, response.MillisBehindLatest);
        var child = Assert.Single(response.ChildShards!);
        Assert.Equal("shardId-000000000002", child.ShardId);
        Assert.Equal(["shardId-000000000000"], child.ParentShards!);
        Assert.Equal("99", child.HashKeyRange!.EndingHashKey);
        Assert.Equal("""{"ShardIterator":"it","Limit":100}""", handler.Seen[0].Body);
    }

    [Fact]
    public async Task Partial_PutRecords_failures_are_returned_not_thrown_or_retried()
    {
        using var handler = ScriptOnly().Then(Ok("""
            {"FailedRecordCount":1,"Records":[
              {"SequenceNumber":"1","ShardId":"shardId-000000000000"},
              {"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded for shard shardId-000000000000"}]}
            """));
        using var client = ScriptedKinesis.Client(handler);

        var response = await client.PutRecordsAsync(new PutRecordsRequest
        {
            StreamName = "people",
            Records = [new() { PartitionKey = "a", Data = "x"u8.ToArray() }, new() { PartitionKey = "b", Data = "y"u8.ToArray() }],
        });

        Assert.Equal(1, response.FailedRecordCount);
        Assert.Equal("ProvisionedThroughputExceededException", response.Records![1].ErrorCode);
        Assert.Single(handler.Seen);
    }

    [Fact]
    public async Task Stream_status_is_read_as_the_constant()
    {
        using var handler = ScriptOnly().Then(Ok("""
            {"StreamDescriptionSummary":{"StreamName":"people","StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/people",
             "StreamStatus":"UPDATING","RetentionPeriodHours":24,"StreamCreationTimestamp":1700000000,"OpenShardCount":3,"ConsumerCount":0,"EncryptionType":"NONE"}}
            """));
        using var client = ScriptedKinesis.Client(handler);

        var summary = (await client.DescribeStreamSummaryAsync(new DescribeStreamSummaryRequest { StreamName = "people" })).StreamDescriptionSummary!;

        Assert.Same(StreamStatus.UPDATING, summary.StreamStatus);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(1700000000), summary.StreamCreationTimestamp);
        Assert.Equal(3, summary.OpenShardCount);
    }

    [Fact]
    public async Task An_unreadable_success_body_is_a_KinesisException_and_is_not_retried()
    {
        using var handler = ScriptOnly().Then(Ok("""{"Shards": 42}"""));
        using var client = ScriptedKinesis.Client(handler, maxRetries: 3);

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.ListShardsAsync(new ListShardsRequest { StreamName = "people" }));

        Assert.IsType<JsonException>(error.InnerException);
        Assert.Single(handler.Seen);
    }
}
