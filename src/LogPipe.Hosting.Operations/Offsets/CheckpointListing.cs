using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// A consumer group's stored checkpoints, with the lag behind each Kafka partition's end or, for Kinesis, how far each
/// shard's checkpoint is behind its newest record, and each Kinesis shard's lease. Reads only.
/// </summary>
internal sealed class CheckpointListing
{
    private readonly IConfiguration _configuration;
    private readonly OperationsDatabase _database;
    private readonly Func<KafkaConnection> _kafka;

    public CheckpointListing(IConfiguration configuration, OperationsDatabase database, Func<KafkaConnection> kafka)
    {
        _configuration = configuration;
        _database = database;
        _kafka = kafka;
    }

    public async Task<IReadOnlyList<CheckpointStatus>> ListAsync(string group, bool withLag, CancellationToken cancellationToken)
    {
        var checkpoints = _database.Checkpoints(group);
        var stored = await _database.RunAsync(_ => checkpoints.ListAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        var rows = stored.Select(c => new CheckpointStatus(c.Transport, c.Stream, c.Partition, c.NextOffset, c.SequenceNumber, c.Version, c.UpdatedAt)).ToList();
        if (withLag) rows = await WithLagAsync(rows, cancellationToken).ConfigureAwait(false);
        if (rows.Exists(r => CheckpointTransport.IsKinesis(r.Transport))) rows = await WithLeasesAsync(group, rows, cancellationToken).ConfigureAwait(false);
        return rows;
    }

    /// <summary>
    /// Kinesis rows with their shard's lease (holder or free, counter, epoch, finished, last renewed); unchanged when the
    /// database has no lease table (a service older than shard leases) or the stream is not leased.
    /// </summary>
    private async Task<List<CheckpointStatus>> WithLeasesAsync(string group, List<CheckpointStatus> rows, CancellationToken cancellationToken)
    {
        var leases = await ShardLeaseTable.ListAsync(_database, group, null, cancellationToken).ConfigureAwait(false);
        if (leases is null || leases.Count == 0) return rows;
        var byShard = leases.ToDictionary(l => (l.Transport, l.Stream, l.Shard));
        return rows.ConvertAll(r => byShard.TryGetValue((r.Transport, r.Stream, r.Partition), out var lease)
            ? r with { LeaseHolder = lease.Holder, LeaseCounter = lease.Counter, LeaseEpoch = lease.Epoch, LeaseFinished = lease.Finished, LeaseLastRenewed = lease.LastRenewed }
            : r);
    }

    /// <summary>
    /// Adds lags: for Kafka rows log ends and lags, for Kinesis rows how far behind each shard is; and rows for the
    /// partitions and shards of those topics and streams that have no checkpoint yet.
    /// </summary>
    private async Task<List<CheckpointStatus>> WithLagAsync(List<CheckpointStatus> rows, CancellationToken cancellationToken)
    {
        var result = rows.Where(r => !CheckpointTransport.IsKafka(r.Transport) && !CheckpointTransport.IsKinesis(r.Transport)).Select(r => r with { LagUnknown = "n/a" }).ToList();
        var kinesis = rows.Where(r => CheckpointTransport.IsKinesis(r.Transport)).ToList();
        if (kinesis.Count > 0) result.AddRange(await KinesisShardLag.AddAsync(_configuration, kinesis, cancellationToken).ConfigureAwait(false));
        result.AddRange(WithKafkaLag([.. rows.Where(r => CheckpointTransport.IsKafka(r.Transport))]));
        return [.. result
            .OrderBy(r => r.Transport, StringComparer.Ordinal)
            .ThenBy(r => r.Stream, StringComparer.Ordinal)
            .ThenBy(r => r.Partition.Length)
            .ThenBy(r => r.Partition, StringComparer.Ordinal)];
    }

    /// <summary>Kafka rows with log ends and lags, and rows for partitions of those topics that have no checkpoint yet.</summary>
    private List<CheckpointStatus> WithKafkaLag(List<CheckpointStatus> rows)
    {
        var kafkaTopics = rows.Select(r => r.Stream).Distinct().ToList();
        if (kafkaTopics.Count == 0) return [];

        var kafka = _kafka();
        using var admin = kafka.CreateAdminClient();
        using var reader = kafka.CreateReader();
        var result = new List<CheckpointStatus>();
        foreach (var topic in kafkaTopics)
        {
            var stored = rows.Where(r => r.Stream == topic).ToDictionary(r => r.Partition, StringComparer.Ordinal);
            IReadOnlyList<int> partitions;
            try
            {
                partitions = kafka.Partitions(admin, topic);
            }
            catch (OperationException ex) when (ex.Failure == OperationFailure.NotFound)
            {
                result.AddRange(stored.Values.Select(r => r with { LagUnknown = "no topic" }));
                continue;
            }

            foreach (var partition in partitions)
            {
                var name = partition.ToString(CultureInfo.InvariantCulture);
                var marks = kafka.Watermarks(reader, topic, partition);
                var row = stored.Remove(name, out var found)
                    ? found
                    : new CheckpointStatus(CheckpointTransport.Kafka, topic, name, null, null, null, null);
                result.Add(row with { LogEndOffset = marks.High.Value, Lag = marks.High.Value - (row.NextOffset ?? marks.Low.Value) });
            }

            // Checkpoints of partitions the topic no longer has.
            result.AddRange(stored.Values.Select(r => r with { LagUnknown = "no partition" }));
        }

        return result;
    }
}
