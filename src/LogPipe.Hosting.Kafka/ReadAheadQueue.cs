using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// The records <see cref="KafkaRecordSource"/>'s read-ahead thread hands to the consumer service: full chunks in a bounded
/// queue one way, emptied arrays back the other way for reuse, and what ended the read-ahead. One thread writes
/// (<see cref="RentChunk"/>, <see cref="Publish"/>, <see cref="Complete"/>), one thread takes (<see cref="TryTake"/>,
/// <see cref="WaitAsync"/>).
/// </summary>
internal sealed class ReadAheadQueue
{
    private readonly Channel<Chunk> _ready;
    private readonly ConcurrentQueue<IncomingRecord[]> _emptied = new();
    private readonly int _chunkSize;
    private Exception? _fault;

    // The chunk being taken from (the taking thread's).
    private IncomingRecord[]? _taking;
    private int _takingNext;
    private int _takingCount;

    /// <param name="chunkSize">Records per chunk.</param>
    /// <param name="chunks">Full chunks queued at most: <see cref="Publish"/> blocks beyond.</param>
    public ReadAheadQueue(int chunkSize, int chunks)
    {
        _chunkSize = chunkSize;
        _ready = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(chunks) { SingleReader = true, SingleWriter = true });
    }

    /// <summary>An empty array of the chunk size, reused when one came back.</summary>
    public IncomingRecord[] RentChunk() => _emptied.TryDequeue(out var emptied) ? emptied : new IncomingRecord[_chunkSize];

    /// <summary>Gives back an array <see cref="RentChunk"/> lent that was not filled.</summary>
    public void ReturnUnused(IncomingRecord[] chunk) => _emptied.Enqueue(chunk);

    /// <summary>Queues the first <paramref name="count"/> records of <paramref name="chunk"/>; blocks while the queue is full.</summary>
    public void Publish(IncomingRecord[] chunk, int count, CancellationToken cancellationToken)
    {
        var full = new Chunk(chunk, count);
        if (!_ready.Writer.TryWrite(full)) _ready.Writer.WriteAsync(full, cancellationToken).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>No more chunks: <paramref name="fault"/>, if any, is thrown by <see cref="TryTake"/> once the queued records were taken.</summary>
    public void Complete(Exception? fault)
    {
        _fault = fault;
        _ready.Writer.TryComplete();
    }

    /// <summary>Takes the next record if one is queued; never blocks.</summary>
    public bool TryTake([NotNullWhen(true)] out IncomingRecord? record)
    {
        if (_takingNext < _takingCount || TakeNextChunk())
        {
            record = _taking![_takingNext];
            _taking[_takingNext++] = null!;
            return true;
        }

        record = null;
        return false;
    }

    /// <summary>Completes when a record may be queued, or once the read-ahead ended (<see cref="TryTake"/> then says why).</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        if (_takingNext < _takingCount) return ValueTask.CompletedTask;
        var waiting = _ready.Reader.WaitToReadAsync(cancellationToken);
        return waiting.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(waiting.AsTask());
    }

    /// <summary>Moves to the next chunk; throws what ended the read-ahead once every record before it was taken.</summary>
    private bool TakeNextChunk()
    {
        if (_taking is { } done && _takingCount > 0)
        {
            _emptied.Enqueue(done);
            _taking = null;
            _takingNext = _takingCount = 0;
        }

        if (_ready.Reader.TryRead(out var chunk))
        {
            _taking = chunk.Records;
            _takingNext = 0;
            _takingCount = chunk.Count;
            return true;
        }

        if (_fault is { } fault && _ready.Reader.Completion.IsCompleted) ExceptionDispatchInfo.Throw(fault);
        return false;
    }

    /// <summary>The first <paramref name="Count"/> records of <paramref name="Records"/>.</summary>
    private readonly record struct Chunk(IncomingRecord[] Records, int Count);
}
