using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.InMemory;

/// <summary>Reads every partition of one in-memory topic, round-robin, from the stored checkpoints.</summary>
internal sealed class InMemoryRecordSource : IRecordSource, ILogEndSource
{
    private readonly InMemoryBroker _broker;
    private PartitionKey[] _keys = [];
    private long[] _positions = [];
    private long[] _generations = [];
    private ICheckpointStore? _checkpoints;
    private int _next;

    public InMemoryRecordSource(InMemoryBroker broker, string stream)
    {
        _broker = broker;
        Stream = stream;
    }

    public string Stream { get; }

    public async Task StartAsync(ICheckpointStore checkpoints, CancellationToken cancellationToken)
    {
        _checkpoints = checkpoints;
        var count = _broker.PartitionCount(Stream);
        _keys = Enumerable.Range(0, count)
            .Select(p => new PartitionKey(InMemoryTransport.CheckpointScope, Stream, p.ToString(CultureInfo.InvariantCulture)))
            .ToArray();
        _positions = new long[count];
        _generations = new long[count];
        var stored = await checkpoints.ReadAsync(_keys, cancellationToken).ConfigureAwait(false);
        for (var p = 0; p < count; p++) _positions[p] = stored.TryGetValue(_keys[p], out var c) ? c.NextOffset : 0;
    }

    public bool TryRead([NotNullWhen(true)] out IncomingRecord? record)
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            var p = (_next + i) % _keys.Length;
            if (_broker.TryGet(Stream, p, _positions[p], out var stored))
            {
                record = new IncomingRecord(_keys[p], _positions[p], stored.Key, stored.Value, stored.Timestamp)
                {
                    Headers = stored.Headers,
                    Generation = _generations[p],
                };
                _positions[p]++;
                _next = p + 1;
                return true;
            }
        }

        record = null;
        return false;
    }

    public async ValueTask WaitToReadAsync(CancellationToken cancellationToken)
    {
        // Take the signal before looking, so an append between the look and the wait is not missed.
        var appended = _broker.NextAppendAsync(Stream);
        var ends = _broker.EndOffsets(Stream);
        for (var p = 0; p < _positions.Length; p++)
        {
            if (ends[p] > _positions[p]) return;
        }

        await appended.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public bool TryGetLogEnd(PartitionKey partition, out long endOffset)
    {
        var p = Array.IndexOf(_keys, partition);
        endOffset = p >= 0 ? _broker.EndOffsets(Stream)[p] : 0;
        return p >= 0;
    }

    public bool IsCurrent(IncomingRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var p = Array.IndexOf(_keys, record.Partition);
        return p >= 0 && _generations[p] == record.Generation;
    }

    public async Task RewindAsync(PartitionKey partition, CancellationToken cancellationToken)
    {
        var p = Array.IndexOf(_keys, partition);
        if (p < 0 || _checkpoints is null) return;
        var stored = await _checkpoints.ReadAsync([partition], cancellationToken).ConfigureAwait(false);
        _positions[p] = stored.TryGetValue(partition, out var c) ? c.NextOffset : 0;
        _generations[p]++;
    }

    public ValueTask OnCommittedAsync(IReadOnlyList<CheckpointUpdate> updates, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
