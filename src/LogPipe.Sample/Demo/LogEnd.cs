using System.Globalization;
using System.Numerics;
using LogPipe.Hosting;
using LogPipe.Hosting.EntityFrameworkCore;

namespace LogPipe.Sample.Demo;

/// <summary>
/// The end of the log as the demo's own sends left it: per Kafka partition the offset after the last record, per Kinesis
/// shard the last sequence number. The demo is the only producer, so stored checkpoints must reach exactly this.
/// </summary>
internal sealed class LogEnd
{
    private readonly Dictionary<string, long> _offsets = [];
    private readonly Dictionary<string, BigInteger> _sequences = [];

    public int Partitions => _offsets.Count + _sequences.Count;

    public void Add(RecordPosition position)
    {
        if (position.SequenceNumber is { } sequence)
        {
            var value = BigInteger.Parse(sequence, CultureInfo.InvariantCulture);
            if (!_sequences.TryGetValue(position.Partition, out var last) || value > last) _sequences[position.Partition] = value;
        }
        else
        {
            _offsets[position.Partition] = Math.Max(_offsets.GetValueOrDefault(position.Partition), position.Offset + 1);
        }
    }

    public bool IsReachedBy(IReadOnlyList<LogPipeCheckpoint> checkpoints)
    {
        var byPartition = checkpoints.ToDictionary(c => c.Partition);
        return _offsets.All(e => byPartition.TryGetValue(e.Key, out var c) && c.NextOffset == e.Value)
            && _sequences.All(e => byPartition.TryGetValue(e.Key, out var c) && c.SequenceNumber is { } s
                && BigInteger.Parse(s, CultureInfo.InvariantCulture) == e.Value);
    }
}
