using System.Globalization;
using System.Numerics;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;

namespace LogPipe.Hosting.Kinesis.Tests.Fixtures;

/// <summary>Splitting and merging shards of a stream, waiting until it is active again, as the resharding tests need.</summary>
internal static class StreamResharding
{
    /// <summary>Splits a shard in the middle of its hash key range into two children.</summary>
    public static async Task SplitInHalfAsync(this IKinesisClient admin, string stream, string shardId)
    {
        var shard = (await admin.ListAllShardsAsync(stream)).Single(s => s.ShardId == shardId);
        var start = BigInteger.Parse(shard.HashKeyRange!.StartingHashKey!, CultureInfo.InvariantCulture);
        var end = BigInteger.Parse(shard.HashKeyRange.EndingHashKey!, CultureInfo.InvariantCulture);
        await admin.SplitShardAsync(new SplitShardRequest
        {
            StreamName = stream,
            ShardToSplit = shardId,
            NewStartingHashKey = ((start + end + 1) / 2).ToString(CultureInfo.InvariantCulture),
        });
        await admin.WaitForStreamActiveAsync(stream, TimeSpan.FromMilliseconds(20));
    }

    /// <summary>Merges two adjacent shards into one child.</summary>
    public static async Task MergeAsync(this IKinesisClient admin, string stream, string shardId, string adjacentShardId)
    {
        await admin.MergeShardsAsync(new MergeShardsRequest { StreamName = stream, ShardToMerge = shardId, AdjacentShardToMerge = adjacentShardId });
        await admin.WaitForStreamActiveAsync(stream, TimeSpan.FromMilliseconds(20));
    }
}
