using System.Net;
using System.Text.Json;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using static LogPipe.Hosting.Kinesis.Tests.Fixtures.FaultInjectingHandler;

namespace LogPipe.Hosting.Kinesis.Tests.Client;

// kinesalite never pages ListShards, so paging is proven against scripted AWS answers.
public sealed class ListAllShardsTests
{
    [Fact]
    public async Task Pages_are_followed_with_the_token_alone()
    {
        using var handler = ScriptOnly().Then(
            Ok("""{"Shards":[{"ShardId":"shardId-000000000000"},{"ShardId":"shardId-000000000001"}],"NextToken":"page-2"}"""),
            Ok("""{"Shards":[{"ShardId":"shardId-000000000002"}],"NextToken":"page-3"}"""),
            Ok("""{"Shards":[{"ShardId":"shardId-000000000003"}]}"""));
        using var client = ScriptedKinesis.Client(handler);

        var shards = await client.ListAllShardsAsync("people");

        Assert.Equal(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003"], shards.Select(s => s.ShardId));
        Assert.Equal(
            ["""{"StreamName":"people"}""", """{"NextToken":"page-2"}""", """{"NextToken":"page-3"}"""],
            handler.Seen.Select(r => r.Body));
    }

    [Fact]
    public async Task An_expired_token_resumes_after_the_last_shard_seen()
    {
        using var handler = ScriptOnly().Then(
            Ok("""{"Shards":[{"ShardId":"shardId-000000000000"},{"ShardId":"shardId-000000000001"}],"NextToken":"stale"}"""),
            Error(HttpStatusCode.BadRequest, "ExpiredNextTokenException", "The token has expired"),
            Ok("""{"Shards":[{"ShardId":"shardId-000000000002"}]}"""));
        using var client = ScriptedKinesis.Client(handler);

        var shards = await client.ListAllShardsAsync("people");

        Assert.Equal(3, shards.Count);
        using var resumed = JsonDocument.Parse(handler.Seen[2].Body);
        Assert.Equal("people", resumed.RootElement.GetProperty("StreamName").GetString());
        Assert.Equal("shardId-000000000001", resumed.RootElement.GetProperty("ExclusiveStartShardId").GetString());
    }
}
