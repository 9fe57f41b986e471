using System.Globalization;
using System.Numerics;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;

namespace LogPipe.Hosting.Kinesis.Tests.Client;

[Collection(SharedKinesalite.Name)]
public sealed class ReshardingTests(KinesaliteFixture kinesalite)
{
    [Fact]
    public async Task Split_and_merge_close_the_parents_and_list_children_with_their_parents()
    {
        var name = await kinesalite.CreateStreamAsync("reshard", shardCount: 2);
        using var client = kinesalite.CreateClient();
        var before = await client.ListAllShardsAsync(name);
        var shard0 = before[0];
        var start = BigInteger.Parse(shard0.HashKeyRange!.StartingHashKey!, CultureInfo.InvariantCulture);
        var end = BigInteger.Parse(shard0.HashKeyRange.EndingHashKey!, CultureInfo.InvariantCulture);
        var middle = (start + end + 1) / 2;

        await client.PutTextsAsync(name, "before-reshard", ["a", "b", "c"]);

        await client.SplitShardAsync(new SplitShardRequest
        {
            StreamName = name,
            ShardToSplit = shard0.ShardId,
            NewStartingHashKey = middle.ToString(CultureInfo.InvariantCulture),
        });
        await client.WaitForStreamActiveAsync(name, TimeSpan.FromMilliseconds(20));

        // The split made shardId-2 (lower half) and shardId-3 (upper half of shard 0), which borders shard 1.
        await client.MergeShardsAsync(new MergeShardsRequest
        {
            StreamName = name,
            ShardToMerge = "shardId-000000000003",
            AdjacentShardToMerge = "shardId-000000000001",
        });
        await client.WaitForStreamActiveAsync(name, TimeSpan.FromMilliseconds(20));

        var shards = (await client.ListAllShardsAsync(name)).ToDictionary(s => s.ShardId!);

        Assert.Equal(5, shards.Count);
        foreach (var closed in new[] { "shardId-000000000000", "shardId-000000000001", "shardId-000000000003" })
        {
            Assert.NotNull(shards[closed].SequenceNumberRange!.EndingSequenceNumber);
        }

        Assert.Null(shards["shardId-000000000002"].SequenceNumberRange!.EndingSequenceNumber);
        Assert.Null(shards["shardId-000000000004"].SequenceNumberRange!.EndingSequenceNumber);

        Assert.Equal("shardId-000000000000", shards["shardId-000000000002"].ParentShardId);
        Assert.Equal("shardId-000000000000", shards["shardId-000000000003"].ParentShardId);
        Assert.Equal(shard0.HashKeyRange.StartingHashKey, shards["shardId-000000000002"].HashKeyRange!.StartingHashKey);
        Assert.Equal(middle.ToString(CultureInfo.InvariantCulture), shards["shardId-000000000003"].HashKeyRange!.StartingHashKey);

        Assert.Equal("shardId-000000000003", shards["shardId-000000000004"].ParentShardId);
        Assert.Equal("shardId-000000000001", shards["shardId-000000000004"].AdjacentParentShardId);
        Assert.Equal(before[1].HashKeyRange!.EndingHashKey, shards["shardId-000000000004"].HashKeyRange!.EndingHashKey);

        var summary = await client.DescribeStreamSummaryAsync(new DescribeStreamSummaryRequest { StreamName = name });
        Assert.Equal(2, summary.StreamDescriptionSummary!.OpenShardCount);
    }

    [Fact]
    public async Task A_closed_parent_is_read_to_its_end_and_new_records_go_to_the_children()
    {
        var name = await kinesalite.CreateStreamAsync("drain", shardCount: 1);
        using var client = kinesalite.CreateClient();
        await client.PutTextsAsync(name, "k", ["p1", "p2"]);
        var parentIterator = (await client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = name,
            ShardId = "shardId-000000000000",
            ShardIteratorType = ShardIteratorType.TRIM_HORIZON,
        })).ShardIterator!;

        await client.SplitShardAsync(new SplitShardRequest
        {
            StreamName = name,
            ShardToSplit = "shardId-000000000000",
            NewStartingHashKey = BigInteger.Pow(2, 127).ToString(CultureInfo.InvariantCulture),
        });
        await client.WaitForStreamActiveAsync(name, TimeSpan.FromMilliseconds(20));
        var after = await client.PutTextsAsync(name, "k", ["c1"]);

        // Reading the parent yields its records, then (once drained) no next iterator: the cue to move on to the children.
        var parentRecords = new List<string>();
        string? iterator = parentIterator;
        var calls = 0;
        while (iterator is not null && calls++ < 10)
        {
            var page = await client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator });
            parentRecords.AddRange(page.Records!.Select(r => r.Text()));
            iterator = page.NextShardIterator;
        }

        Assert.Null(iterator);
        Assert.Equal(["p1", "p2"], parentRecords);
        Assert.Contains(after.Records![0].ShardId, new[] { "shardId-000000000001", "shardId-000000000002" });
    }
}
