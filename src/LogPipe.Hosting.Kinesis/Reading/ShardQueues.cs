using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Kinesis.Reading;

/// <summary>
/// The queues of the shards being read, taken from round-robin one record at a time so that a busy shard cannot starve
/// the others. <see cref="TryRead"/> and <see cref="WaitToReadAsync"/> run on the consumer service's thread and read an
/// immutable snapshot without locking; the set changes (a reader started, replaced or finished) from any thread.
/// </summary>
internal sealed class ShardQueues
{
    private readonly object _changing = new();
    private readonly RecordSignal _signal;
    private volatile ChannelReader<IncomingRecord>[] _queues = [];
    private int _next;

    /// <param name="signal">Pulsed by the readers whenever they queue records.</param>
    public ShardQueues(RecordSignal signal) => _signal = signal;

    /// <summary>How many queues are read.</summary>
    public int Count => _queues.Length;

    /// <summary>Reads <paramref name="queue"/> too, instead of <paramref name="replacing"/> if that is given.</summary>
    public void Add(ChannelReader<IncomingRecord> queue, ChannelReader<IncomingRecord>? replacing = null)
    {
        lock (_changing) _queues = [.. _queues.Where(q => q != replacing), queue];
    }

    /// <summary>Stops reading <paramref name="queue"/>; what is left in it is not handed out any more.</summary>
    public void Remove(ChannelReader<IncomingRecord>? queue)
    {
        lock (_changing) _queues = [.. _queues.Where(q => q != queue)];
    }

    /// <summary>Stops reading every queue.</summary>
    public void Clear()
    {
        lock (_changing) _queues = [];
    }

    /// <summary>Takes the next record from the queue after the one last taken from; never blocks.</summary>
    public bool TryRead([NotNullWhen(true)] out IncomingRecord? record)
    {
        var queues = _queues;
        for (var i = 0; i < queues.Length; i++)
        {
            var index = (_next + i) % queues.Length;
            if (queues[index].TryRead(out record))
            {
                _next = index + 1;
                return true;
            }
        }

        record = null;
        return false;
    }

    /// <summary>Completes once some queue holds a record (at once if one does).</summary>
    public async ValueTask WaitToReadAsync(CancellationToken cancellationToken)
    {
        // Taken before looking, so that a record queued between the look and the wait still ends the wait.
        var queued = _signal.Next;
        foreach (var queue in _queues)
        {
            if (queue.TryPeek(out _)) return;
        }

        await queued.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
