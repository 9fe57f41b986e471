using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Confluent.Kafka;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// Reads one topic as a member of the consumer group (cooperative-sticky). A thread of its own calls <c>Consume</c> and
/// hands the records over in chunks through a bounded queue (<see cref="ReadAheadChunks"/> of
/// <see cref="ChunkSize"/>), so librdkafka is read while the consumer service decodes, applies and commits; the service
/// takes records with <see cref="TryRead"/> without blocking. With database checkpoints, assigned partitions start after
/// their stored checkpoint; with a store that keeps positions in the transport
/// (<see cref="ICheckpointStore.KeepsPositionsInTransport"/>: group offsets, <c>UseKafkaOffsets()</c>) they start at the
/// group's committed offset and each unit commits to the group.
/// </summary>
/// <remarks>
/// <para>Rebalance callbacks run inside <c>Consume</c>, on the read-ahead thread, so they may come while a unit of work is
/// applied. Both wait for that unit (<see cref="CommitOrderedCheckpoints"/>): a revocation lets the unit commit its records
/// and checkpoints (and, with group offsets, commit them to the group) before the partition is handed over, and an
/// assignment reads the checkpoints that unit left. A partition is therefore still never taken away in the middle of a
/// unit, as when the service's own thread called <c>Consume</c> between units. A lost partition (the member was dropped
/// from the group) is not waited for: the checkpoint versions fence whatever the unit would commit.</para>
/// <para>Records queued before a revocation or rewind carry the partition's old generation and are dropped by the service
/// (<see cref="IsCurrent"/>). <c>Consume</c> and the generation a record is tagged with happen under one lock, as does a
/// rewind's new generation and its <c>Seek</c>, so no record read before a seek is tagged with the generation after it.</para>
/// <para>Its parts: <see cref="ReadAheadQueue"/> (the records handed over), <see cref="UnitWaits"/> (the waits for the unit
/// in flight), <see cref="OwnedPartitions"/> (which records are stale), <see cref="AssignmentCheckpointReader"/> (the
/// blocking checkpoint read in the assignment callback), <see cref="RetentionWatch"/> (records lost to retention) and
/// <see cref="KafkaIncomingRecord"/> (a consumed record as the consumer service takes it).</para>
/// </remarks>
internal sealed class KafkaRecordSource : IRecordSource, ILogEndSource, IRevokingSource
{
    /// <summary>Records per chunk handed from the read-ahead thread to the consumer service.</summary>
    internal const int ChunkSize = 256;

    /// <summary>Chunks read ahead at most: with <see cref="ChunkSize"/>, about four units of the default 500 records.</summary>
    internal const int ReadAheadChunks = 8;

    // How long one Consume call may block on the read-ahead thread while holding the consume lock: a rewind waits at most this.
    private static readonly TimeSpan PollSlice = TimeSpan.FromMilliseconds(50);

    private readonly KafkaClientSettings _settings;
    private readonly KafkaConnectivity _connectivity;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly OwnedPartitions _owned = new();
    private readonly OwedGroupCommits _owedCommits;
    private readonly RetentionWatch _retention;
    private readonly object _consumeLock = new();
    private IConsumer<byte[]?, byte[]>? _consumer;

    private ICheckpointStore? _checkpoints;
    private UnitWaits? _unitWaits;
    private AssignmentCheckpointReader? _assignmentCheckpoints;
    private bool _positionsInGroup;
    private Offset _startWithoutCheckpoint = Offset.Beginning;
    private TimeSpan _closeWait = KafkaConsumerClose.MinWait;

    // The read-ahead: its thread, and the records it hands over.
    private Task _readAhead = Task.CompletedTask;
    private ReadAheadQueue? _queue;

    // Ends the read-ahead thread: cancelled when the source is disposed.
    private CancellationTokenSource? _closing;

    // Made once: a method group passed per record allocated a delegate for every record read.
    private readonly Func<int, long?> _logStart;

    // Fires when the consumer stops (the token StartAsync got: the runner's stopping token) or the source is disposed: the
    // waits inside rebalance callbacks, which cannot take a token of their own (the checkpoint read of an assignment, a
    // revocation or assignment waiting for the unit in flight), observe it.
    private CancellationTokenSource? _stopping;

    public KafkaRecordSource(string topic, KafkaClientSettings settings, KafkaConnectivity connectivity, KafkaMetrics metrics, ILogger logger, TimeProvider? time = null)
    {
        _connectivity = connectivity;
        Stream = topic;
        _settings = settings;
        _logger = logger;
        _owedCommits = new OwedGroupCommits(topic, settings.Redactor, logger);
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
        _closing?.Dispose();
        _closing = new CancellationTokenSource();
        _stopping?.Dispose();
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        _positionsInGroup = checkpoints.KeepsPositionsInTransport;
        var config = _settings.ConsumerConfig();
        _startWithoutCheckpoint = config.AutoOffsetReset == AutoOffsetReset.Latest ? Offset.End : Offset.Beginning;
        _closeWait = KafkaConsumerClose.Wait(config);
        _unitWaits = new UnitWaits(checkpoints as CommitOrderedCheckpoints, config.MaxPollIntervalMs ?? 300_000, Stream, _logger);
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
        var queue = _queue = new ReadAheadQueue(ChunkSize, ReadAheadChunks);
        var closing = _closing.Token;
        _readAhead = Task.Factory.StartNew(() => ReadAhead(queue, closing), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public bool TryRead([NotNullWhen(true)] out IncomingRecord? record)
    {
        record = null;
        return _queue is { } queue && queue.TryTake(out record);
    }

    public ValueTask WaitToReadAsync(CancellationToken cancellationToken) => _queue?.WaitAsync(cancellationToken) ?? ValueTask.CompletedTask;

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

    public bool IsRevoking(IncomingRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return _owned.IsRevoking(PartitionNames.Parse(record.Partition.Partition));
    }

    public async Task RewindAsync(PartitionKey partition, CancellationToken cancellationToken)
    {
        var p = int.Parse(partition.Partition, CultureInfo.InvariantCulture);
        if (_consumer is null || _checkpoints is null || !_owned.Owns(p)) return;
        var stored = await _checkpoints.ReadAsync([partition], cancellationToken).ConfigureAwait(false);
        var offset = stored.TryGetValue(partition, out var c) ? new Offset(c.NextOffset) : _startWithoutCheckpoint;
        lock (_consumeLock)
        {
            // Records read ahead of the seek keep the old generation and are dropped; none read after it can have it.
            if (_consumer is not { } consumer || !_owned.Owns(p)) return;
            _retention.ExpectStart(p, offset);
            _owned.Renew(p);
            consumer.Seek(new TopicPartitionOffset(Stream, p, offset));
        }
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
            _owedCommits.Made(offsets);
        }
        catch (KafkaException ex)
        {
            // A revocation of these partitions makes the commit again before handing them over; otherwise the next unit's
            // commit carries them, and a crash before it means these records are applied again.
            _owedCommits.Failed(offsets);
            KafkaLog.GroupCommitFailed(_logger, Stream, _settings.Redactor.Redact(ex.Error.Reason));
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        // Ends the read-ahead, and any wait in a rebalance callback on its thread, before the consumer is closed.
        _stopping?.Cancel();
        _closing?.Cancel();
        await _readAhead.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_consumer is { } consumer)
        {
            lock (_consumeLock) _consumer = null;
            // A consumer that did not close in time is left alone, with what its callbacks may still use.
            if (!await KafkaConsumerClose.CloseAsync(() => Close(consumer), _closeWait, _time, _logger, Stream).ConfigureAwait(false)) return;
            consumer.Dispose();
        }

        _stopping?.Dispose();
        _stopping = null;
        _closing?.Dispose();
        _closing = null;
    }

    private void Close(IConsumer<byte[]?, byte[]> consumer)
    {
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
    }

    /// <summary>The read-ahead thread: consumes in chunks until the source is disposed or a rebalance callback fails.</summary>
    private void ReadAhead(ReadAheadQueue queue, CancellationToken closing)
    {
        // A dedicated thread (LongRunning): named for thread dumps and profiles.
        Thread.CurrentThread.Name = "logpipe-kafka-read";
        Exception? fault = null;
        try
        {
            while (!closing.IsCancellationRequested)
            {
                _unitWaits!.PauseWhileUnitIsLong(closing);
                var chunk = queue.RentChunk();
                var count = 0;
                lock (_consumeLock)
                {
                    // The first Consume waits a slice for records; the rest take what librdkafka has ready.
                    while (count < ChunkSize && TryConsume(count == 0 ? PollSlice : TimeSpan.Zero, out var record)) chunk[count++] = record;
                }

                if (count == 0)
                {
                    queue.ReturnUnused(chunk);
                    continue;
                }

                _connectivity.Contact();
                // A full queue blocks here without polling: a service that takes nothing for max.poll.interval.ms (a long
                // database outage) is taken out of the group by librdkafka and rejoins when it reads again.
                queue.Publish(chunk, count, closing);
            }
        }
        catch (OperationCanceledException) when (closing.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception ex)
        {
            // From a rebalance callback: the consumer stopped while an assignment waited for its checkpoints, or the store
            // stayed down past AssignmentCheckpointReader.Patience. The service takes it from TryRead, after the records before it.
            fault = ex;
        }
        finally
        {
            queue.Complete(fault);
        }
    }

    /// <summary>Takes one record from librdkafka; called under the consume lock on the read-ahead thread.</summary>
    private bool TryConsume(TimeSpan timeout, [NotNullWhen(true)] out IncomingRecord? record)
    {
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
        // An empty assignment (cooperative rebalancing hands those out) reads nothing and waits for nothing.
        IReadOnlyDictionary<PartitionKey, Checkpoint> stored = new Dictionary<PartitionKey, Checkpoint>();
        if (!_positionsInGroup && keys.Count > 0)
        {
            _unitWaits!.WaitBeforeAssigning(keys, _stopping!.Token);
            stored = _assignmentCheckpoints!.Read(keys, _stopping!.Token);
        }

        var assigned = new List<TopicPartitionOffset>(partitions.Count);
        _owned.Assign(partitions.ConvertAll(p => p.Partition.Value));
        for (var i = 0; i < partitions.Count; i++)
        {
            var p = partitions[i].Partition.Value;
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
        var numbers = partitions.ConvertAll(p => p.Partition.Value);
        if (lost || _unitWaits is not { } unitWaits || _stopping is not { } stopping)
        {
            // A lost partition is gone already (another member may have it): nothing to wait for.
            _owned.Revoke(numbers);
        }
        else
        {
            // No new unit takes these partitions; the units taken before commit them (and their group offsets) first, as
            // if the revocation had come between units.
            _owned.BeginRevoking(numbers);
            unitWaits.Revoke(numbers, () => _owned.Revoke(numbers), stopping.Token);
            if (_consumer is { } consumer) _owedCommits.MakeBeforeHandover(consumer.Commit, numbers, stopping.Token);
        }

        _owedCommits.Forget(numbers);

        foreach (var p in numbers) _retention.Forget(p);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            KafkaLog.Revoked(_logger, Stream, string.Join(",", partitions.Select(p => p.Partition.Value)), _settings.GroupId, lost);
        }
    }
}
