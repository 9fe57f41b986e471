using System.Globalization;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// Rewinds or skips one partition or shard. The checkpoint moves through the library's
/// <see cref="CheckpointEditor{TDbContext}"/>, whose version bump fences a running consumer so it resumes from the new
/// position; still, unless forced, the move is refused while the Kafka consumer group has members. A Kafka position must
/// lie inside the partition and a Kinesis sequence number must belong to the shard, forced or not.
/// </summary>
internal sealed class OffsetMover
{
    private readonly IConfiguration _configuration;
    private readonly string? _serviceGroup;
    private readonly OperationsDatabase _database;
    private readonly Func<KafkaConnection> _kafka;
    private readonly TimeProvider _time;

    public OffsetMover(IConfiguration configuration, string? serviceGroup, OperationsDatabase database, Func<KafkaConnection> kafka, TimeProvider time)
    {
        _time = time;
        _configuration = configuration;
        _serviceGroup = serviceGroup;
        _database = database;
        _kafka = kafka;
    }

    public async Task<OffsetMove> MoveAsync(OffsetMoveRequest request, CancellationToken cancellationToken)
    {
        if (request.Targets != 1) throw new ArgumentException("Give exactly one of Offset, SequenceNumber, ToEnd, ToBeginning, Time.", nameof(request));
        ArgumentOutOfRangeException.ThrowIfNegative(request.Offset ?? 0, nameof(request));
        var (group, stream, partition) = (request.ConsumerGroup, request.Stream, request.Partition);
        var checkpoints = _database.Checkpoints(group, _time);
        var existing = (await _database.RunAsync(_ => checkpoints.ListAsync(cancellationToken), cancellationToken).ConfigureAwait(false))
            .Where(c => c.Stream == stream && c.Partition == partition)
            .ToList();
        var transport = ResolveTransport(request.Transport, existing);
        var before = existing.Find(c => c.Transport == transport);

        var checkpoint = CheckpointTransport.IsKafka(transport)
            ? await KafkaTargetAsync(request).ConfigureAwait(false)
            : CheckpointTransport.IsKinesis(transport)
                ? await KinesisTargetAsync(request, transport, before, cancellationToken).ConfigureAwait(false)
                : new Checkpoint(request.Offset ?? throw OperationException.Invalid($"A '{transport}' partition moves to an offset."));

        // Conditional on the checkpoint read above, the one the decision and the "before" are about: a consumer commit
        // (or another operator) in between is reported, not overwritten.
        try
        {
            var stored = await _database.RunAsync(
                _ => checkpoints.SetAsync(new PartitionKey(transport, stream, partition), checkpoint, before?.Version ?? 0, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            return new OffsetMove(transport, before, stored);
        }
        catch (CheckpointConflictException ex)
        {
            throw new OperationException(OperationFailure.Conflict, ex.Message, ex);
        }
    }

    private string ResolveTransport(string? given, List<LogPipeCheckpoint> existing)
    {
        if (given is not null) return given;
        if (existing.Count == 1) return existing[0].Transport;
        if (existing.Count > 1)
        {
            throw OperationException.Invalid($"Checkpoints of several transports match ({string.Join(", ", existing.Select(c => c.Transport))}); choose the transport.");
        }

        return CheckpointTransport.FromConfiguration(_configuration)
            ?? throw OperationException.Invalid("No checkpoint for that partition yet and LogPipe:Transport does not say which transport it is on: choose the transport.");
    }

    private async Task<Checkpoint> KafkaTargetAsync(OffsetMoveRequest request)
    {
        var (topic, partitionText) = (request.Stream, request.Partition);
        if (request.SequenceNumber is not null) throw OperationException.Invalid("A sequence number is for Kinesis shards; a Kafka partition moves to an offset, its beginning, its end or a time.");
        if (!int.TryParse(partitionText, NumberStyles.None, CultureInfo.InvariantCulture, out var partition))
        {
            throw OperationException.Invalid($"'{partitionText}' is not a Kafka partition number.");
        }

        var kafka = _kafka();
        using var admin = kafka.CreateAdminClient();
        var partitions = kafka.Partitions(admin, topic);
        if (!partitions.Contains(partition)) throw OperationException.NotFound($"Topic '{topic}' has no partition {partition} (it has {partitions.Count}).");

        using var reader = kafka.CreateReader();
        var marks = kafka.Watermarks(reader, topic, partition);
        if (request.Offset is { } given) ThrowUnlessInRange(topic, partition, given, marks);
        var next = request.Time is { } time ? KafkaOffsetForTime.Find(kafka, reader, topic, partition, time, marks) : request.Offset ?? (request.ToEnd ? marks.High.Value : marks.Low.Value);

        // Checked after the range, and even when forced the range holds: no position outside it is ever safe to store.
        if (!request.Force) await ConsumerGroupActivity.RefuseWhileActiveAsync(_configuration, _serviceGroup, kafka, admin, request.ConsumerGroup).ConfigureAwait(false);
        return new Checkpoint(next);
    }

    /// <summary>
    /// Refuses a next offset outside [log start, log end]. Past the end, the consumer's fetch fails with "offset out of
    /// range" and librdkafka resets the partition by <c>auto.offset.reset</c> — to the earliest record (everything applied
    /// again) or to the latest (everything up to now skipped); below the start the records are already deleted, with the
    /// same reset. The log end itself is fine: it means "caught up", the next record produced is the next one applied.
    /// </summary>
    private static void ThrowUnlessInRange(string topic, int partition, long offset, Confluent.Kafka.WatermarkOffsets marks)
    {
        var (low, high) = (marks.Low.Value, marks.High.Value);
        if (offset >= low && offset <= high) return;
        var holds = low == high
            ? $"it holds no records, so the only valid next offset is {N(high)} (its end)"
            : $"it holds offsets {N(low)} to {N(high - 1)}, so the next offset must be between {N(low)} (its first record) and {N(high)} (its end: caught up)";
        var why = offset > high
            ? "an offset past the end would make the consumer reset the partition by auto.offset.reset (with 'earliest', everything is applied again)"
            : "the records before its first offset are deleted, and the consumer would reset the partition by auto.offset.reset";
        throw OperationException.Refused(
            $"Offset {N(offset)} is outside partition {N(partition)} of topic '{topic}': {holds}; {why}. " +
            "Move it to the beginning or the end for the ends. Nothing was changed.");
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A Kinesis shard moves to a sequence number that must be well formed and belong to that shard of that stream, as
    /// Kinesis itself confirms: free text stored there would stop the shard's consumer at its next start, or resume it
    /// in the wrong place. A time becomes the sequence number before the shard's first record that arrived at or after it
    /// (<see cref="KinesisTimeSearch"/>).
    /// </summary>
    private async Task<Checkpoint> KinesisTargetAsync(OffsetMoveRequest request, string transport, LogPipeCheckpoint? before, CancellationToken cancellationToken)
    {
        if (request.Time is { } time)
        {
            using var reader = KinesisConnection.Create(_configuration, Region(transport));
            var after = await KinesisTimeSearch.SequenceToResumeAfterAsync(reader, request.Stream, request.Partition, time, cancellationToken).ConfigureAwait(false);
            return new Checkpoint(before?.NextOffset ?? 0, after);
        }

        var sequence = request.SequenceNumber ?? throw OperationException.Invalid("A Kinesis shard moves to a sequence number (the one to resume after) or a time.");
        if (!KinesisSequenceNumber.IsWellFormed(sequence))
        {
            throw OperationException.Invalid(
                $"'{sequence}' is not a Kinesis sequence number: that is a decimal number without leading zeros, at most " +
                $"{KinesisSequenceNumber.MaxDigits} digits, such as 49590338271490256608559692538361571095921575989136588898.");
        }

        using var kinesis = KinesisConnection.Create(_configuration, Region(transport));
        await kinesis.ThrowUnlessInShardAsync(request.Stream, request.Partition, sequence, cancellationToken).ConfigureAwait(false);
        return new Checkpoint(before?.NextOffset ?? 0, sequence);
    }

    private static string? Region(string transport) =>
        transport.Length > CheckpointTransport.KinesisPrefix.Length ? transport[(CheckpointTransport.KinesisPrefix.Length + 1)..] : null;
}
