using System.Numerics;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Kinesis.Tests.Client;

[Collection(SharedKinesalite.Name)]
public sealed class StreamLifecycleTests(KinesaliteFixture kinesalite)
{
    private static readonly BigInteger MaxHashKey = BigInteger.Pow(2, 128) - 1;

    [Fact]
    public async Task A_created_stream_becomes_active_with_the_requested_shards()
    {
        using var client = kinesalite.CreateClient();
        var name = KinesaliteFixture.UniqueStreamName("lifecycle");

        var created = await client.CreateStreamAsync(new CreateStreamRequest { StreamName = name, ShardCount = 4 });
        var summary = await client.WaitForStreamActiveAsync(name, TimeSpan.FromMilliseconds(20));

        Assert.Equal(System.Net.HttpStatusCode.OK, created.HttpStatusCode);
        Assert.False(string.IsNullOrEmpty(created.RequestId));
        Assert.Equal(name, summary.StreamName);
        Assert.Equal(StreamStatus.ACTIVE, summary.StreamStatus);
        Assert.Equal(4, summary.OpenShardCount);
        Assert.Equal(24, summary.RetentionPeriodHours);
        Assert.Contains(name, summary.StreamARN, StringComparison.Ordinal);
        Assert.InRange(summary.StreamCreationTimestamp!.Value, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task ListShards_returns_every_shard_covering_the_whole_hash_key_space()
    {
        var name = await kinesalite.CreateStreamAsync("list", shardCount: 4);
        using var client = kinesalite.CreateClient();

        var response = await client.ListShardsAsync(new ListShardsRequest { StreamName = name });

        var shards = response.Shards!;
        Assert.Equal(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003"], shards.Select(s => s.ShardId));
        Assert.Null(response.NextToken);
        Assert.All(shards, s => Assert.Null(s.SequenceNumberRange!.EndingSequenceNumber));
        Assert.All(shards, s => Assert.Null(s.ParentShardId));

        // Contiguous ranges from 0 to 2^128-1.
        var next = BigInteger.Zero;
        foreach (var shard in shards)
        {
            Assert.Equal(next, BigInteger.Parse(shard.HashKeyRange!.StartingHashKey!, System.Globalization.CultureInfo.InvariantCulture));
            next = BigInteger.Parse(shard.HashKeyRange.EndingHashKey!, System.Globalization.CultureInfo.InvariantCulture) + 1;
        }

        Assert.Equal(MaxHashKey + 1, next);
    }

    [Fact]
    public async Task ExclusiveStartShardId_lists_only_the_shards_after_it()
    {
        var name = await kinesalite.CreateStreamAsync("list-after", shardCount: 4);
        using var client = kinesalite.CreateClient();

        var page = await client.ListShardsAsync(new ListShardsRequest { StreamName = name, ExclusiveStartShardId = "shardId-000000000001" });
        var all = await client.ListAllShardsAsync(name, exclusiveStartShardId: "shardId-000000000002");

        Assert.Equal(["shardId-000000000002", "shardId-000000000003"], page.Shards!.Select(s => s.ShardId));
        Assert.Equal(["shardId-000000000003"], all.Select(s => s.ShardId));
    }

    [Fact]
    public async Task A_deleted_stream_goes_away()
    {
        var name = await kinesalite.CreateStreamAsync("delete", shardCount: 1);
        using var client = kinesalite.CreateClient();

        await client.DeleteStreamAsync(new DeleteStreamRequest { StreamName = name });

        KinesisResourceNotFoundException? gone = null;
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await client.DescribeStreamSummaryAsync(new DescribeStreamSummaryRequest { StreamName = name }, CancellationToken.None);
                    return false;
                }
                catch (KinesisResourceNotFoundException ex)
                {
                    gone = ex;
                    return true;
                }
            },
            TimeSpan.FromSeconds(10),
            "the deleted stream is reported as not found");
        Assert.Equal("ResourceNotFoundException", gone!.ErrorCode);
    }
}
