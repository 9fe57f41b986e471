using LogPipe.Hosting.Kinesis.Client.Model;

namespace LogPipe.Hosting.Kinesis.Client;

/// <summary>Multi-call conveniences over <see cref="IKinesisClient"/>: paging and waiting.</summary>
internal static class KinesisClientExtensions
{
    /// <summary>
    /// Lists every shard of a stream, open and closed, following <c>NextToken</c> across pages. When a
    /// token has expired (<c>ExpiredNextTokenException</c>, after 300 seconds) it resumes with
    /// <c>ExclusiveStartShardId</c> after the last shard it got, which is also how a caller that already
    /// knows some shards asks only for newer ones.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="streamName">The stream.</param>
    /// <param name="exclusiveStartShardId">List only shards after this one; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The shards, in the order the service returned them.</returns>
    public static async Task<IReadOnlyList<Shard>> ListAllShardsAsync(
        this IKinesisClient client,
        string streamName,
        string? exclusiveStartShardId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(streamName);

        var shards = new List<Shard>();
        var request = new ListShardsRequest { StreamName = streamName, ExclusiveStartShardId = exclusiveStartShardId };
        while (true)
        {
            ListShardsResponse page;
            try
            {
                page = await client.ListShardsAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (KinesisException ex) when (ex.ErrorCode == "ExpiredNextTokenException" && request.NextToken is not null)
            {
                request = new ListShardsRequest
                {
                    StreamName = streamName,
                    ExclusiveStartShardId = shards.Count > 0 ? shards[^1].ShardId : exclusiveStartShardId,
                };
                continue;
            }

            shards.AddRange(page.Shards ?? []);
            if (string.IsNullOrEmpty(page.NextToken))
            {
                return shards;
            }

            // The API rejects a request that has both a token and a stream name.
            request = new ListShardsRequest { NextToken = page.NextToken };
        }
    }

    /// <summary>
    /// Polls DescribeStreamSummary until the stream is <c>ACTIVE</c> (after CreateStream, SplitShard or
    /// MergeShards). Bound the wait with <paramref name="cancellationToken"/>.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="streamName">The stream.</param>
    /// <param name="pollInterval">The pause between polls; one second when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>The summary of the now-active stream.</returns>
    public static async Task<StreamDescriptionSummary> WaitForStreamActiveAsync(
        this IKinesisClient client,
        string streamName,
        TimeSpan? pollInterval = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(streamName);

        var request = new DescribeStreamSummaryRequest { StreamName = streamName };
        while (true)
        {
            var response = await client.DescribeStreamSummaryAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StreamDescriptionSummary is { } summary && summary.StreamStatus == StreamStatus.ACTIVE)
            {
                return summary;
            }

            await Task.Delay(pollInterval ?? TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }
}
