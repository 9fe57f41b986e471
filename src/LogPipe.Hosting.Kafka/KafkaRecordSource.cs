using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Confluent.Kafka;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// Reads one topic as a member of the consumer group (cooperative-sticky). Rebalance callbacks run inside
/// <c>Consume</c>, which only the consumer service's thread calls between units of work, so a partition is never revoked
/// in the middle of applying a unit. With database checkpoints, assigned partitions start after their stored checkpoint;
/// with a store that keeps positions in the transport (<see cref="ICheckpointStore.KeepsPositionsInTransport"/>: group
/// offsets, <c>UseKafkaOffsets()</c>) they start at the group's committed offset and each unit commits to the group.
/// </summary>
/// <remarks>
/// Its parts: <see cref="OwnedPartitions"/> (which records are stale), <see cref="AssignmentCheckpointReader"/> (the
/// blocking checkpoint read in the assignment callback), <see cref="RetentionWatch"/> (records lost to retention) and
/// <see cref="KafkaIncomingRecord"/> (a consumed record as the consumer service takes it).
/// </remarks>
internal sealed class KafkaRecordSource : IRecordSource, ILogEndSource
{
    private readonly KafkaClientSettings _settings;
    private readonly KafkaConnectivity _connectivity;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly OwnedPartitions _owned = new();
    private readonly RetentionWatch _retention;
    private IConsumer<byte[]?, byte[]>? _consumer;
    private ICheckpointStore? _checkpoints;
    private AssignmentCheckpointReader? _assignmentCheckpoints;
    private bool _positionsInGroup;
    private IncomingRecord? _buffered;
    private Offset _startWithoutCheckpoint = Offset.Beginning;

    // Made once: a method group passed per record allocated a delegate for every record read.
    private readonly Func<int, long?> _logStart;

    // Fires when the consumer stops (the token StartAsync got: the runner's stopping token) or the source is disposed:
    // the one wait that cannot take a token of its own, the checkpoint read inside the assignment callback, observes it.
    private CancellationTokenSource? _stopping;

    public KafkaRecordSource(string topic, KafkaClientSettings settings, KafkaConnectivity connectivity, KafkaMetrics metrics, ILogger logger, TimeProvider? time = null)
    {
        _connectivity = connectivity;
        Stream = topic;
        _settings = settings;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _retention = new RetentionWatch(topic, metrics, logger);
        _logStart = LogStart;
    }

    public string Stream { get; }

    public Task StartAsync(ICheckpointStore checkpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        _checkpoints = checkpoints;
        _assignmentCheckpoints = new AssignmentCheckpointReader(Stream, checkpoints, _time, _logger);
        _stopping?.Dispose();
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _positionsInGroup = checkpoints.KeepsPositionsInTransport;
        var config = _settings.ConsumerConfig();
        _startWithoutCheckpoint = config.AutoOffsetReset == AutoOffsetReset.Latest ? Offset.End : Offset.Beginning;
        var redactor = _settings.Redactor;
        _consumer = new ConsumerBuilder<byte[]?, byte[]>(config)
            .SetErrorHandler((_, e) =>
            {
                _connectivity.Report(e);
                if (e.IsFatal) KafkaLog.ClientFatal(_logger, "consumer", e.Code.ToString(), redactor.Redact(e.Reason));
                else KafkaLog.ClientError(_logger, "consumer", e.Code.ToString(), redactor.Redact(e.Reason));
            })
            .SetLogHandler((_, m) => KafkaLog.Librdkafka(_logger, "consumer", m.Facility, redactor.Redact(m.Message)))
            .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions, lost: false))
            .SetPartitionsLostHandler((_, partitions) => OnRevoked(partitions, lost: true))
            .Build();
        if (_logger.IsEnabled(LogLevel.Information)) KafkaLog.ClientCreated(_logger, "consumer of " + Stream, KafkaClientSettings.Describe(config));
        _consumer.Subscribe(Stream);
        return Task.CompletedTask;
    }

    public bool TryRead([NotNullWhen(true)] out IncomingRecord? record) => TryConsume(TimeSpan.Zero, out record);

    public ValueTask WaitToReadAsync(CancellationToken cancellationToken)
    {
        if (_buffered is not null) return ValueTask.CompletedTask;
        return new ValueTask(Task.Run(
            () =>
            {
                // Consume blocks in slices so cancellation is noticed quickly; the record read is kept for TryRead.
                while (!cancellationToken.IsCancellationRequested)
                {
                    if (TryConsume(TimeSpan.FromMilliseconds(100), out var record))
                    {
                        _buffered = record;
                        return;
                    }
                }
            },
            CancellationToken.None));
    }

    public bool TryGetLogEnd(PartitionKey partition, out long endOffset)
    {
        endOffset = 0;
        if (_consumer is not { } consumer || partition.Stream != Stream) return false;
        try
        {
            // The high watermark the last fetch response carried: cached by librdkafka, no request is sent.
            var high = consumer.GetWatermarkOffsets(new TopicPartition(Stream, int.Parse(partition.Partition, CultureInfo.InvariantCulture))).High;
            if (high == Offset.Unset) return false;
            endOffset = high.Value;
            return true;
        }
        catch (KafkaException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    public bool IsCurrent(IncomingRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return _owned.IsCurrent(PartitionNames.Parse(record.Partition.Partition), record.Generation);
    }

    public async Task RewindAsync(PartitionKey partition, CancellationToken cancellationToken)
    {
        var p = int.Parse(partition.Partition, CultureInfo.InvariantCulture);
        if (_consumer is null || _checkpoints is null || !_owned.Owns(p)) return;
        var stored = await _checkpoints.ReadAsync([partition], cancellationToken).ConfigureAwait(false);
        var offset = stored.TryGetValue(partition, out var c) ? new Offset(c.NextOffset) : _startWithoutCheckpoint;
        _retention.ExpectStart(p, offset);
        _owned.Renew(p);
        if (_buffered?.Partition == partition) _buffered = null;
        _consumer.Seek(new TopicPartitionOffset(Stream, p, offset));
    }

    public ValueTask OnCommittedAsync(IReadOnlyList<CheckpointUpdate> updates, CancellationToken cancellationToken)
    {
        if (!_positionsInGroup || _consumer is null || updates.Count == 0) return ValueTask.CompletedTask;
        var offsets = updates
            .Select(u => new TopicPartitionOffset(Stream, int.Parse(u.Partition.Partition, CultureInfo.InvariantCulture), u.Checkpoint.NextOffset))
            .Where(o => _owned.Owns(o.Partition.Value))
            .ToList();
        try
        {
            if (offsets.Count > 0) _consumer.Commit(offsets);
        }
        catch (KafkaException ex)
        {
            // At-least-once: a lost group commit means these records are applied again after a rebalance or restart.
            KafkaLog.GroupCommitFailed(_logger, Stream, _settings.Redactor.Redact(ex.Error.Reason));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        // Ends a checkpoint wait in an assignment callback on the consumer's thread before Close waits for that thread.
        _stopping?.Cancel();
        if (_consumer is { } consumer)
        {
            _consumer = null;
            try
            {
                consumer.Close();
            }
            catch (KafkaException ex)
            {
                KafkaLog.ConsumeFailed(_logger, Stream, ex.Error.Code.ToString(), _settings.Redactor.Redact(ex.Error.Reason));
            }
            catch (OperationCanceledException) when (_stopping?.IsCancellationRequested == true)
            {
                // A rebalance that assigned partitions while the consumer closed gave up its checkpoint wait because we
                // stop; Close rethrows that from the callback once it has closed. Nothing of those partitions was read.
            }

            consumer.Dispose();
        }

        _stopping?.Dispose();
        _stopping = null;
        return ValueTask.CompletedTask;
    }

    private bool TryConsume(TimeSpan timeout, [NotNullWhen(true)] out IncomingRecord? record)
    {
        if (_buffered is { } buffered)
        {
            _buffered = null;
            record = buffered;
            return true;
        }

        record = null;
        if (_consumer is null) return false;
        ConsumeResult<byte[]?, byte[]>? result;
        try
        {
            result = _consumer.Consume(timeout);
        }
        catch (ConsumeException ex)
        {
            KafkaLog.ConsumeFailed(_logger, Stream, ex.Error.Code.ToString(), _settings.Redactor.Redact(ex.Error.Reason));
            return false;
        }

        if (result is null || result.IsPartitionEOF || result.Message is null) return false;
        _connectivity.Contact();
        var partition = result.Partition.Value;
        _retention.Arrived(partition, result.Offset.Value, _logStart);
        record = KafkaIncomingRecord.From(Stream, result, _owned.GenerationOf(partition), _time);
        return true;
    }

    /// <summary>The partition's log start, for <see cref="RetentionWatch"/>; <see langword="null"/> (logged) when librdkafka cannot say.</summary>
    private long? LogStart(int partition)
    {
        var topicPartition = new TopicPartition(Stream, partition);
        try
        {
            // The log start the fetch responses carried, cached by librdkafka; asked for only when it has none.
            var logStart = _consumer!.GetWatermarkOffsets(topicPartition).Low.Value;
            return logStart >= 0 ? logStart : _consumer.QueryWatermarkOffsets(topicPartition, TimeSpan.FromSeconds(5)).Low.Value;
        }
        catch (KafkaException ex)
        {
            KafkaLog.ConsumeFailed(_logger, Stream, ex.Error.Code.ToString(), _settings.Redactor.Redact(ex.Error.Reason));
            return null;
        }
    }

    private List<TopicPartitionOffset> OnAssigned(List<TopicPartition> partitions)
    {
        var keys = partitions.ConvertAll(p => KafkaIncomingRecord.Partition(Stream, p.Partition.Value));
        // Positions kept in the group: librdkafka starts each partition at the group's committed offset (Offset.Unset).
        var stored = _positionsInGroup
            ? new Dictionary<PartitionKey, Checkpoint>()
            : _assignmentCheckpoints!.Read(keys, _stopping!.Token);

        var assigned = new List<TopicPartitionOffset>(partitions.Count);
        for (var i = 0; i < partitions.Count; i++)
        {
            var p = partitions[i].Partition.Value;
            _owned.Assign(p);
            var offset = _positionsInGroup ? Offset.Unset : stored.TryGetValue(keys[i], out var c) ? new Offset(c.NextOffset) : _startWithoutCheckpoint;
            _retention.ExpectStart(p, offset);
            assigned.Add(new TopicPartitionOffset(partitions[i], offset));
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            KafkaLog.Assigned(_logger, Stream, string.Join(",", partitions.Select(p => p.Partition.Value)), _settings.GroupId, string.Join(",", assigned.Select(a => a.Offset.ToString())));
        }

        return assigned;
    }

    private void OnRevoked(List<TopicPartitionOffset> partitions, bool lost)
    {
        foreach (var p in partitions)
        {
            _owned.Revoke(p.Partition.Value);
            _retention.Forget(p.Partition.Value);
        }

        if (_buffered is { } b && !_owned.Owns(PartitionNames.Parse(b.Partition.Partition))) _buffered = null;
        if (_logger.IsEnabled(LogLevel.Information))
        {
            KafkaLog.Revoked(_logger, Stream, string.Join(",", partitions.Select(p => p.Partition.Value)), _settings.GroupId, lost);
        }
    }
}
