using Confluent.Kafka;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// The delivery state of one batch: positions by index, failures, and one completion for the whole batch (not one per
/// record). Delivery reports fill the positions and the last one completes it and gives the batch's
/// <see cref="KafkaPendingRecord"/>s back to their pool.
/// </summary>
internal sealed class KafkaBatchDelivery
{
    private readonly KafkaRecordSender _sender;
    private readonly KafkaPendingRecordPool _pool;
    private readonly KafkaPendingRecord _head;
    private readonly KafkaPendingRecord _tail;
    private readonly RecordPosition[] _positions;

    // One of the two: a batch completes with every position, a single send (SendAsync) with its one position, so that
    // path needs no continuation of its own to take the position out of a list.
    private readonly TaskCompletionSource<IReadOnlyList<RecordPosition>>? _completion;
    private readonly TaskCompletionSource<RecordPosition>? _single;
    private CancellationTokenRegistration _cancellation;

    // Made on the first failure only: a batch that is delivered needs no more than its positions.
    private bool[]? _failed;
    private bool[]? _possiblyStored;
    private KafkaSendException? _firstFailure;
    private int _failures;
    private int _remaining;

    /// <summary>Takes <paramref name="count"/> records from <paramref name="pool"/> and points each at this batch, by index.</summary>
    /// <param name="count">How many records.</param>
    /// <param name="sender">The sender, for failures and contact.</param>
    /// <param name="pool">Where the records come from and go back to.</param>
    /// <param name="single">A single send: completes <see cref="SingleTask"/> instead of <see cref="Task"/>.</param>
    public KafkaBatchDelivery(int count, KafkaRecordSender sender, KafkaPendingRecordPool pool, bool single = false)
    {
        if (single) _single = new TaskCompletionSource<RecordPosition>(TaskCreationOptions.RunContinuationsAsynchronously);
        else _completion = new TaskCompletionSource<IReadOnlyList<RecordPosition>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _sender = sender;
        _pool = pool;
        _positions = new RecordPosition[count];
        _remaining = count;
        _head = pool.Rent(count);
        var record = _head;
        for (var i = 0; ; i++)
        {
            record.Batch = this;
            record.Index = i;
            if (record.Next is null) break;
            record = record.Next;
        }

        _tail = record;
    }

    /// <summary>The batch's records, linked in index order from here.</summary>
    public KafkaPendingRecord First => _head;

    /// <summary>Every record's position, once every report is in (a batch).</summary>
    public Task<IReadOnlyList<RecordPosition>> Task => _completion!.Task;

    /// <summary>The record's position, once its report is in (a single send).</summary>
    public Task<RecordPosition> SingleTask => _single!.Task;

    /// <summary>
    /// Ends the single send's wait with a cancellation when <paramref name="cancellationToken"/> fires first (the record
    /// may still be delivered; its report then only gives its message back to the pool). Registered on the send's own
    /// completion: no second task per send to wait with a token.
    /// </summary>
    public void CancelWaitWith(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled) return;
        _cancellation = cancellationToken.UnsafeRegister(
            static (state, token) => ((TaskCompletionSource<RecordPosition>)state!).TrySetCanceled(token),
            _single!);
    }

    /// <summary>Records librdkafka's report for the record at <paramref name="index"/>.</summary>
    public void Report(int index, DeliveryReport<byte[]?, byte[]> report)
    {
        if (report.Error.IsError)
        {
            var possiblyStored = report.Status == PersistenceStatus.PossiblyPersisted;
            Fail(index, _sender.Failure(report.Topic, 1, report.Error, possiblyStored, KafkaSendException.NoneStored(1)), possiblyStored);
            return;
        }

        _sender.Contacted();
        _positions[index] = new RecordPosition(report.Topic, PartitionNames.Of(report.Partition.Value), report.Offset.Value);
        Settle();
    }

    /// <summary>Records that the record at <paramref name="index"/> was not delivered.</summary>
    public void Fail(int index, KafkaSendException failure, bool possiblyStored)
    {
        var failed = _failed ?? Interlocked.CompareExchange(ref _failed, new bool[_positions.Length], null) ?? _failed;
        var stored = _possiblyStored ?? Interlocked.CompareExchange(ref _possiblyStored, new bool[_positions.Length], null) ?? _possiblyStored;
        failed[index] = true;
        stored[index] = possiblyStored;
        Interlocked.CompareExchange(ref _firstFailure, failure, null);
        Interlocked.Increment(ref _failures);
        Settle();
    }

    private void Settle()
    {
        if (Interlocked.Decrement(ref _remaining) != 0) return;

        // Every report is in: librdkafka holds none of the batch's records any more.
        _pool.Return(_head, _tail, _positions.Length);
        if (_single is { } single)
        {
            _cancellation.Dispose();
            if (_firstFailure is { } failure) single.TrySetException(failure);
            else single.TrySetResult(_positions[0]);
            return;
        }

        if (_firstFailure is { } only && _positions.Length == 1)
        {
            _completion!.TrySetException(only);
        }
        else if (_firstFailure is { } first)
        {
            // The last report settles the batch, after every other report wrote its slot (Interlocked orders them).
            var failed = _failed!;
            var possiblyStored = Enumerable.Range(0, _positions.Length).Where(i => _possiblyStored![i]).ToArray();
            var how = possiblyStored.Length == 0
                ? "none of them was stored"
                : $"{possiblyStored.Length} of them possibly stored (sent, but not acknowledged in time: sending them again may store copies), " +
                  $"{_failures - possiblyStored.Length} not stored";
            _completion!.TrySetException(new KafkaSendException(
                $"{_failures} of {_positions.Length} records were not delivered ({how}); first failure: {first.Message}", first.ErrorCode, _failures)
            {
                Positions = [.. _positions.Select((p, i) => failed[i] ? (RecordPosition?)null : p)],
                PossiblyStoredIndexes = possiblyStored,
            });
        }
        else
        {
            _completion!.TrySetResult(_positions);
        }
    }
}
