using System.Text;
using System.Threading.Channels;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Client.Transport;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Kinesis.Reading;

/// <summary>
/// Reads one shard in the background, for one generation, into a bounded queue that the consumer service drains without
/// blocking. A full queue pauses the reads (backpressure). Ends when the shard is closed and read to its end, or when
/// stopped (rewind, shutdown).
/// </summary>
/// <remarks>
/// An expired iterator is re-acquired AFTER the last record put into the queue, not after the last checkpoint: every
/// record between the checkpoint and that one is still queued (or in the unit of work being applied), so reading from
/// the checkpoint again would queue them twice and apply them twice. If the process dies, the queue dies with it and the
/// next start reads from the checkpoint. Before any record is queued, the reader re-acquires from where it started
/// (a <c>LATEST</c> start is pinned to the time it was taken, as <c>AT_TIMESTAMP</c>, so a re-acquired iterator does not
/// skip what arrived meanwhile).
/// </remarks>
internal sealed class ShardReader : IAsyncDisposable
{
    // A LATEST iterator is pinned this far before the moment it was taken: clocks differ, and an extra record read is
    // better than one skipped.
    private static readonly TimeSpan LatestPinSlack = TimeSpan.FromSeconds(1);

    private readonly ShardReadContext _context;
    private readonly Channel<IncomingRecord> _queue;
    private readonly GetRecordsPacer _pacer;
    private readonly RetryBackoff _failureBackoff;
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Action<ShardReader> _ended;
    private ShardStart _resume;
    private long _nextOffset;
    private volatile string? _lastQueuedSequence;
    private volatile bool _endReached;
    private long _millisBehindLatest = -1;
    private long _lastArrivalTicks;
    private Task _run = Task.CompletedTask;
    private int _stopped;

    public ShardReader(ShardReadContext context, string shardId, long generation, ShardStart start, long firstOffset, string? startSequence, Action<ShardReader> ended)
    {
        _context = context;
        ShardId = shardId;
        Generation = generation;
        Partition = new PartitionKey(context.CheckpointScope, context.Stream, shardId);
        StartWithoutCheckpoint = start;
        StartsAtLatest = start.Type == ShardIteratorType.LATEST;
        _resume = start;
        _nextOffset = firstOffset;
        _lastQueuedSequence = startSequence;
        _ended = ended;
        // Room for two pages at least: the next GetRecords runs while the consumer applies the page before. With less, a
        // page larger than the queue held the reader until the consumer had nearly drained it, and reading and applying
        // took turns (the benchmark's consumer ran at half the raw client's rate).
        var capacity = Math.Max(context.Options.ShardQueueCapacity, 2 * context.Options.MaxRecordsPerRead);
        _queue = Channel.CreateBounded<IncomingRecord>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _pacer = new GetRecordsPacer(context.Options, context.Time);
        _failureBackoff = context.Options.CreateBackoff();
    }

    public string ShardId { get; }

    public long Generation { get; }

    public PartitionKey Partition { get; }

    /// <summary>The queued records, oldest first.</summary>
    public ChannelReader<IncomingRecord> Records => _queue.Reader;

    /// <summary>The sequence number of the last record queued (or of the checkpoint it started after, if none yet).</summary>
    public string? LastQueuedSequence => _lastQueuedSequence;

    /// <summary>How far the last GetRecords answer said this reader is behind the shard's tip; <see langword="null"/> before one.</summary>
    public long? MillisBehindLatest => Volatile.Read(ref _millisBehindLatest) is >= 0 and var ms ? ms : null;

    /// <summary>The arrival time of the last record queued; <see langword="null"/> before one.</summary>
    public DateTimeOffset? LastArrival => Volatile.Read(ref _lastArrivalTicks) is > 0 and var ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Whether the shard is closed and every record of it is queued.</summary>
    public bool EndReached => _endReached;

    /// <summary>
    /// Where a reader of this shard starts when no checkpoint is stored; a <c>LATEST</c> start becomes the
    /// <c>AT_TIMESTAMP</c> it was pinned to once the first iterator is taken.
    /// </summary>
    public ShardStart StartWithoutCheckpoint { get; private set; }

    /// <summary>Whether this reader started at the tip (<c>LATEST</c>), so its first iterator pins what it reads.</summary>
    public bool StartsAtLatest { get; }

    /// <summary>Completes once the first iterator was asked for (taken or failed), so a <c>LATEST</c> start is pinned.</summary>
    public Task FirstAttempt => _firstAttempt.Task;

    public void Start()
    {
        var stopping = _stop.Token;
        _run = Task.Run(() => RunAsync(stopping), CancellationToken.None);
    }

    /// <summary>Stops reading and waits until the background loop has ended; queued records stay where they are. Idempotent.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _firstAttempt.TrySetResult();
        _stop.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var logger = _context.Logger;
        var stream = _context.Stream;
        string? iterator = null;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (iterator is null)
                {
                    iterator = await AcquireIteratorAsync(cancellationToken).ConfigureAwait(false);
                    _firstAttempt.TrySetResult();
                }

                await _pacer.WaitAsync(cancellationToken).ConfigureAwait(false);
                var page = await _context.Client.GetRecordsAsync(
                    new GetRecordsRequest { ShardIterator = iterator, Limit = _context.Options.MaxRecordsPerRead },
                    cancellationToken).ConfigureAwait(false);
                failures = 0;
                var records = page.Records ?? [];
                foreach (var record in records) await EnqueueAsync(record, cancellationToken).ConfigureAwait(false);
                if (records.Count > 0) _context.Signal.Pulse();
                if (page.MillisBehindLatest is { } behind) Volatile.Write(ref _millisBehindLatest, Math.Max(0, behind));
                _pacer.Answered(records.Count > 0);
                iterator = page.NextShardIterator;
                if (iterator is null)
                {
                    // No next iterator: the shard is closed (split or merged) and every record of it is queued.
                    _endReached = true;
                    KinesisLog.ShardEnded(logger, stream, ShardId);
                    _ended(this);
                    return;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (KinesisExpiredIteratorException)
            {
                KinesisLog.IteratorExpired(logger, stream, ShardId, _resume.ToString());
                iterator = null;
            }
            catch (KinesisThrottledException ex)
            {
                var gap = _pacer.Failed();
                KinesisLog.ReadThrottled(logger, stream, ShardId, ex.ErrorCode ?? "Throttled", (long)gap.TotalMilliseconds);
                if (iterator is null)
                {
                    // Taking the iterator was throttled: the pacer only spaces GetRecords, so wait here.
                    _firstAttempt.TrySetResult();
                    if (!await DelayAsync(gap, cancellationToken).ConfigureAwait(false)) return;
                }
            }
            catch (Exception ex)
            {
                // Anything else (stream being deleted, service or network down past the client's retries, an iterator the
                // service refuses) is retried with backoff from a fresh iterator; a reader never gives up on its shard.
                _firstAttempt.TrySetResult();
                iterator = null;
                var delay = _failureBackoff.Before(++failures);
                var code = (ex as KinesisException)?.ErrorCode ?? ex.GetType().Name;
                KinesisLog.ReadFailed(logger, stream, ShardId, code, ex.Message, (long)delay.TotalMilliseconds);
                if (!await DelayAsync(delay, cancellationToken).ConfigureAwait(false)) return;
            }
        }
    }

    /// <summary>Waits; <see langword="false"/> when stopped meanwhile.</summary>
    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _context.Time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<string?> AcquireIteratorAsync(CancellationToken cancellationToken)
    {
        var start = _resume;
        var taken = _context.Time.GetUtcNow();
        var response = await _context.Client.GetShardIteratorAsync(start.ToRequest(_context.Stream, ShardId), cancellationToken).ConfigureAwait(false);
        if (start.Type == ShardIteratorType.LATEST)
        {
            // Pinned, so that taking the iterator again (expiry, rewind before any checkpoint) reads what arrived meanwhile.
            _resume = ShardStart.At(taken - LatestPinSlack);
            if (StartWithoutCheckpoint.Type == ShardIteratorType.LATEST) StartWithoutCheckpoint = _resume;
        }

        KinesisLog.ShardReading(_context.Logger, _context.Stream, ShardId, start.ToString(), Generation);
        return response.ShardIterator;
    }

    private async ValueTask EnqueueAsync(Record record, CancellationToken cancellationToken)
    {
        var now = _context.Time.GetUtcNow();
        // An arrival time ahead of this clock (skew; kinesalite dates a new child shard's records a second ahead) would hold
        // the record back under MinMessageLagMs for nothing: a record cannot have arrived in the future.
        var arrival = record.ApproximateArrivalTimestamp is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : now;
        if (arrival > now) arrival = now;
        var incoming = new IncomingRecord(
            Partition,
            _nextOffset,
            record.PartitionKey is null ? null : Encoding.UTF8.GetBytes(record.PartitionKey),
            record.Data,
            arrival)
        {
            SequenceNumber = record.SequenceNumber,
            Generation = Generation,
        };
        if (!_queue.Writer.TryWrite(incoming))
        {
            // Full: let the consumer service drain what is there while this shard waits.
            _context.Signal.Pulse();
            await _queue.Writer.WriteAsync(incoming, cancellationToken).ConfigureAwait(false);
        }

        _nextOffset++;
        _resume = ShardStart.After(record.SequenceNumber!);
        _lastQueuedSequence = record.SequenceNumber;
        Volatile.Write(ref _lastArrivalTicks, arrival.UtcTicks);
    }
}
