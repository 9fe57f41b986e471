
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using Microsoft.Extensions.Configuration;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// <c>offsets list --lag</c> for Kinesis checkpoints: every shard of each stream (also those without a checkpoint yet),
/// with how far the checkpoint is behind the shard's newest record (<c>MillisBehindLatest</c>) and when the oldest record
/// not yet applied arrived. Reads one record after each checkpoint; writes nothing.
/// </summary>
internal static class KinesisShardLag
{
    /// <summary>The rows of Kinesis checkpoints with their lag, plus rows for the streams' shards that have none.</summary>
    public static async Task<List<CheckpointStatus>> AddAsync(IConfiguration configuration, IEnumerable<CheckpointStatus> kinesisRows, CancellationToken cancellationToken)
    {
        var result = new List<CheckpointStatus>();
        foreach (var stream in kinesisRows.GroupBy(r => (r.Transport, r.Stream)))
        {
            var (transport, name) = stream.Key;
            var stored = stream.ToDictionary(r => r.Partition, StringComparer.Ordinal);
            var region = transport.Length > CheckpointTransport.KinesisPrefix.Length ? transport[(CheckpointTransport.KinesisPrefix.Length + 1)..] : null;
            using var kinesis = KinesisConnection.Create(configuration, region);
            IReadOnlyList<Shard> shards;
            try
            {
                shards = await kinesis.ShardsAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationException ex) when (ex.Failure == OperationFailure.NotFound)
            {
                result.AddRange(stored.Values.Select(r => r with { LagUnknown = "no stream" }));
                continue;
            }

            foreach (var shard in shards.Where(s => s.ShardId is not null))
            {
                var row = stored.Remove(shard.ShardId!, out var found)
                    ? found
                    : new CheckpointStatus(transport, name, shard.ShardId!, null, null, null, null);
                result.Add(await WithLagAsync(kinesis, row, cancellationToken).ConfigureAwait(false));
            }

            // Checkpoints of shards the stream no longer lists (past its retention).
            result.AddRange(stored.Values.Select(r => r with { LagUnknown = "no shard" }));
        }

        return result;
    }

    /// <summary>
    /// Reads the first record after the checkpoint (from the trim horizon without one, where a consumer group starts by
    /// default): its arrival is the oldest not applied, and the answer's <c>MillisBehindLatest</c> how far behind the tip.
    /// </summary>
    private static async Task<CheckpointStatus> WithLagAsync(KinesisConnection kinesis, CheckpointStatus row, CancellationToken cancellationToken)
    {
        GetRecordsResponse page;
        try
        {
            var iterator = await kinesis.IteratorAsync(row.Stream, row.Partition, ShardIteratorType.TRIM_HORIZON, row.SequenceNumber, cancellationToken).ConfigureAwait(false);
            if (iterator is null) return row with { CaughtUp = true };
            page = await kinesis.ReadAsync(row.Stream, iterator, 1, cancellationToken).ConfigureAwait(false);
        }
        catch (KinesisThrottledException)
        {
            return row with { LagUnknown = "throttled" };
        }
        catch (OperationException ex) when (ex.InnerException is KinesisValidationException)
        {
            // The stored sequence number is not one of this shard's (a stream deleted and created again under its name).
            return row with { LagUnknown = "bad checkpoint" };
        }

        var first = page.Records is [var record, ..] ? record : null;
        return row with
        {
            MillisBehindLatest = page.MillisBehindLatest,
            OldestUnappliedAt = first?.ApproximateArrivalTimestamp is { } arrival ? new DateTimeOffset(DateTime.SpecifyKind(arrival, DateTimeKind.Utc)) : null,
            // Nothing after the checkpoint and nothing newer anywhere in the shard (an empty page can hide later records:
            // then MillisBehindLatest says so).
            CaughtUp = first is null && page.MillisBehindLatest is null or 0,
        };
    }
}
