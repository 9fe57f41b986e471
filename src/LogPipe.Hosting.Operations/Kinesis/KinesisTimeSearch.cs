using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// Turns a time into a Kinesis checkpoint: the sequence number to resume after so that the shard's consumer resumes AT
/// its first record whose <c>ApproximateArrivalTimestamp</c> is at or after the time. Kinesis maps a time to a position
/// only as an AT_TIMESTAMP iterator, which hides the record before it, so the shard is read from its trim horizon.
/// </summary>
internal static class KinesisTimeSearch
{
    private const int PageSize = 1000;

    /// <summary>
    /// The record before the first one that arrived at or after <paramref name="time"/>; the shard's starting sequence
    /// number when its first record already is that late (or it holds none: its beginning); its last record when none
    /// is that late (its end).
    /// </summary>
    /// <exception cref="OperationException">No such stream or shard (NotFound); Kinesis cannot be reached (Unreachable), fails or throttles (Failed).</exception>
    public static async Task<string> SequenceToResumeAfterAsync(KinesisConnection kinesis, string stream, string shardId, DateTimeOffset time, CancellationToken cancellationToken)
    {
        var shards = await kinesis.ShardsAsync(stream, cancellationToken).ConfigureAwait(false);
        var shard = shards.FirstOrDefault(s => s.ShardId == shardId)
            ?? throw OperationException.NotFound($"Stream '{stream}' has no shard '{shardId}' (it has {string.Join(", ", shards.Select(s => s.ShardId))}).");
        var beginning = shard.SequenceNumberRange?.StartingSequenceNumber
            ?? throw new OperationException(OperationFailure.Failed, $"Kinesis did not say where shard '{shardId}' of stream '{stream}' begins.");

        string? previous = null;
        var iterator = await kinesis.IteratorAsync(stream, shardId, ShardIteratorType.TRIM_HORIZON, null, cancellationToken).ConfigureAwait(false);
        while (iterator is not null)
        {
            GetRecordsResponse page;
            try
            {
                page = await kinesis.ReadAsync(stream, iterator, PageSize, cancellationToken).ConfigureAwait(false);
            }
            catch (KinesisExpiredIteratorException)
            {
                iterator = await kinesis.IteratorAsync(stream, shardId, ShardIteratorType.TRIM_HORIZON, previous, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (KinesisThrottledException ex)
            {
                throw new OperationException(OperationFailure.Failed, $"Kinesis throttled reading shard '{shardId}' of stream '{stream}' (its read limits are shared with its consumers); try again. Nothing was changed.", ex);
            }

            foreach (var record in page.Records ?? [])
            {
                if (record.ApproximateArrivalTimestamp is { } arrival && new DateTimeOffset(DateTime.SpecifyKind(arrival, DateTimeKind.Utc)) >= time)
                {
                    return previous ?? beginning;
                }

                previous = record.SequenceNumber;
            }

            // An empty page with nothing newer in the shard is its tip; an open shard's empty page can hide later records.
            if (page.Records is not { Count: > 0 } && page.MillisBehindLatest is null or 0) break;
            iterator = page.NextShardIterator;
        }

        return previous ?? beginning;
    }
}
