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
/// with group offsets (<c>UseKafkaOffsets()</c>) they start at the group's committed offset and each unit commits to the group.
/// </summary>
internal sealed class KafkaRecordSource : IRecordSource, ILogEndSource
{
    private const string Scope = "kafka";

    /// <summary>How long newly assigned partitions wait for their checkpoints: well below librdkafka's <c>max.poll.interval.ms</c> (5 min).</summary>
    private static readonly TimeSpan CheckpointPatience = TimeSpan.FromMinutes(2);

    private readonly KafkaClientSettings _settings;
    private readonly ILogger _logger;
    private readonly Dictionary<int, long> _generations = [];
    private readonly HashSet<int> _owned = [];

    // Where each partition should start (its stored checkpoint) until its first record arrives: a first record past it
    // may mean retention deleted what the group had not read yet.
    private readonly Dictionary<int, long> _startingAt = [];
    private IConsumer<byte[]?, byte[]>? _consumer;
    private ICheckpointStore? _checkpoints;
    private bool _groupOffsets;
    private long _nextGeneration;
    private IncomingRecord? _buffered;
    private Offset _startWithoutCheckpoint = Offset.Beginning;

    // Fires when the consumer stops (the token StartAsync got: the runner's stopping token) or the source is disposed:
    // the one wait that cannot take a token of its own, the checkpoint read inside the assignment callback, observes it.
    private CancellationTokenSource? _stopping;

    private readonly KafkaConnectivity _connectivity;
    private readonly KafkaMetrics _metrics;

    public KafkaRecordSource(string topic, KafkaClientSettings settings, KafkaConnectivity connectivity, KafkaMetrics metrics, ILogger logger)
    {
        _connectivity = connectivity;
        _metrics = metrics;
        Stream = topic;
        _settings = settings;
        _logger = logger;
    }

    public string Stream { get; }

    public Task StartAsync(ICheckpointStore checkpoints, CancellationToken cancellationToken)
    {
        _checkpoints = checkpoints;
        _stopping?.Dispose();
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _groupOffsets = checkpoints is KafkaGroupCheckpointStore;
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
        var partition = PartitionNames.Parse(record.Partition.Partition);
        return _owned.Contains(partition) && _generations.TryGetValue(partition, out var g) && g == record.Generation;
    }

    public async Task RewindAsync(PartitionKey partition, CancellationToken cancellationToken)
    {
        var p = int.Parse(partition.Partition, CultureInfo.InvariantCulture);
        if (_consumer is null || _checkpoints is null || !_owned.Contains(p)) return;
        var stored = await _checkpoints.ReadAsync([partition], cancellationToken).ConfigureAwait(false);
        var offset = stored.TryGetValue(partition, out var c) ? new Offset(c.NextOffset) : _startWithoutCheckpoint;
        ExpectStart(p, offset);
        _generations[p] = ++_nextGeneration;
        if (_buffered?.Partition == partition) _buffered = null;
        _consumer.Seek(new TopicPartitionOffset(Stream, p, offset));
    }

    public ValueTask OnCommittedAsync(IReadOnlyList<CheckpointUpdate> updates, CancellationToken cancellationToken)
    {
        if (!_groupOffsets || _consumer is null || updates.Count == 0) return ValueTask.CompletedTask;
        var offsets = updates
            .Select(u => new TopicPartitionOffset(Stream, int.Parse(u.Partition.Partition, CultureInfo.InvariantCulture), u.Checkpoint.NextOffset))
            .Where(o => _owned.Contains(o.Partition.Value))
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
        if (_startingAt.Count > 0 && _startingAt.Remove(partition, out var expected) && result.Offset.Value > expected)
        {
            CheckRetention(partition, expected, result.Offset.Value);
        }

        var headers = result.Message.Headers is { Count: > 0 } h
            ? h.Select(x => new KeyValuePair<string, byte[]>(x.Key, x.GetValueBytes())).ToList()
            : null;
        record = new IncomingRecord(
            new PartitionKey(Scope, Stream, PartitionNames.Of(partition)),
            result.Offset.Value,
            result.Message.Key,
            result.Message.Value ?? [],
            KafkaRecordTime.Of(result.Message.Timestamp, DateTimeOffset.UtcNow))
        {
            Headers = headers,
            Generation = _generations.GetValueOrDefault(partition),
        };
        return true;
    }

    private void ExpectStart(int partition, Offset offset)
    {
        if (offset.Value >= 0) _startingAt[partition] = offset.Value;
        else _startingAt.Remove(partition);
    }

    /// <summary>
    /// The first record after (re)assignment lies past the stored checkpoint. Offsets have gaps for good reasons
    /// (transaction markers, compaction), so only a log start above the checkpoint counts as records lost to retention:
    /// librdkafka then resets the position on its own (auto.offset.reset) and, without this, nobody would know.
    /// </summary>
    private void CheckRetention(int partition, long checkpoint, long firstOffset)
    {
        var topicPartition = new TopicPartition(Stream, partition);
        long logStart;
        try
        {
            // The log start the fetch responses carried, cached by librdkafka; asked for only when it has none.
            logStart = _consumer!.GetWatermarkOffsets(topicPartition).Low.Value;
            if (logStart < 0) logStart = _consumer.QueryWatermarkOffsets(topicPartition, TimeSpan.FromSeconds(5)).Low.Value;
        }
        catch (KafkaException ex)
        {
            KafkaLog.ConsumeFailed(_logger, Stream, ex.Error.Code.ToString(), _settings.Redactor.Redact(ex.Error.Reason));
            return;
        }

        if (logStart <= checkpoint) return;
        var lost = logStart - checkpoint;
        KafkaLog.CheckpointBelowLogStart(_logger, Stream, partition, checkpoint, logStart, lost, firstOffset);
        _metrics.LostToRetention(Stream, partition, lost);
    }

    private List<TopicPartitionOffset> OnAssigned(List<TopicPartition> partitions)
    {
        var keys = partitions.Select(p => new PartitionKey(Scope, Stream, p.Partition.Value.ToString(CultureInfo.InvariantCulture))).ToList();
        IReadOnlyDictionary<PartitionKey, Checkpoint> stored;
        if (_groupOffsets)
        {
            stored = new Dictionary<PartitionKey, Checkpoint>();
        }
        else
        {
            stored = ReadCheckpointsBlocking(keys);
        }

        var assigned = new List<TopicPartitionOffset>(partitions.Count);
        for (var i = 0; i < partitions.Count; i++)
        {
            var p = partitions[i].Partition.Value;
            _owned.Add(p);
            _generations[p] = ++_nextGeneration;
            var offset = _groupOffsets ? Offset.Unset : stored.TryGetValue(keys[i], out var c) ? new Offset(c.NextOffset) : _startWithoutCheckpoint;
            ExpectStart(p, offset);
            assigned.Add(new TopicPartitionOffset(partitions[i], offset));
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            KafkaLog.Assigned(_logger, Stream, string.Join(",", partitions.Select(p => p.Partition.Value)), _settings.GroupId, string.Join(",", assigned.Select(a => a.Offset.ToString())));
        }

        return assigned;
    }

    /// <summary>
    /// librdkafka wants the start offsets before the assignment callback returns, and the callback runs inside Consume on
    /// the consumer service's thread: this is the one place a checkpoint read blocks. A database that is down is waited for
    /// (with backoff, up to <see cref="CheckpointPatience"/>): starting anywhere but the stored checkpoint would apply
    /// records twice. Neither way out assigns the partitions: the exception thrown here leaves the callback, Confluent.Kafka
    /// rethrows it from Consume, and the partitions stay unstarted.
    /// <list type="bullet">
    /// <item>Stopping (<see cref="_stopping"/> fires) ends the wait at once with <see cref="OperationCanceledException"/>,
    /// which the consumer loop, stopping too, takes for the end of its run.</item>
    /// <item>After <see cref="CheckpointPatience"/> the read's last error is rethrown: the consumer loop faults and the
    /// host stops (event 2022), rather than wait past <c>max.poll.interval.ms</c> and be dropped from the group.</item>
    /// </list>
    /// </summary>
    private IReadOnlyDictionary<PartitionKey, Checkpoint> ReadCheckpointsBlocking(List<PartitionKey> keys)
    {
        var stopping = _stopping!.Token;
        var delay = TimeSpan.FromMilliseconds(200);
        var started = Environment.TickCount64;
        var deadline = started + (long)CheckpointPatience.TotalMilliseconds;
        while (true)
        {
            try
            {
                stopping.ThrowIfCancellationRequested();
                return _checkpoints!.ReadAsync(keys, stopping).ConfigureAwait(false).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested && ex is not OperationCanceledException)
            {
                if (Environment.TickCount64 >= deadline)
                {
                    KafkaLog.CheckpointWaitGaveUp(_logger, ex, Stream, Describe(keys), Environment.TickCount64 - started);
                    throw;
                }

                KafkaLog.CheckpointReadFailed(_logger, ex, Stream, (long)delay.TotalMilliseconds);
                stopping.WaitHandle.WaitOne(delay);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                // Whatever the read was doing when the stop came (a connection attempt, a command), the consumer is stopping.
                KafkaLog.CheckpointWaitStopped(_logger, Stream, Describe(keys));
                throw new OperationCanceledException("The consumer stopped while waiting for the checkpoints of its newly assigned partitions.", stopping);
            }
        }
    }

    private static string Describe(List<PartitionKey> keys) => string.Join(",", keys.Select(k => k.Partition));

    private void OnRevoked(List<TopicPartitionOffset> partitions, bool lost)
    {
        foreach (var p in partitions)
        {
            _owned.Remove(p.Partition.Value);
            _startingAt.Remove(p.Partition.Value);
            _generations[p.Partition.Value] = ++_nextGeneration;
        }

        if (_buffered is { } b && !_owned.Contains(int.Parse(b.Partition.Partition, CultureInfo.InvariantCulture))) _buffered = null;
        if (_logger.IsEnabled(LogLevel.Information))
        {
            KafkaLog.Revoked(_logger, Stream, string.Join(",", partitions.Select(p => p.Partition.Value)), _settings.GroupId, lost);
        }
    }
}
