using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Formats;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting;

/// <summary>Keeps what the consumers did with each record, as each unit of work commits. Thread-safe.</summary>
internal sealed class ConsumedRecordLog(WireCodec codec) : IConsumedRecordObserver
{
    private readonly List<ConsumedRecord> _records = [];
    private readonly List<DeadLetter> _deadLetters = [];

    public IReadOnlyList<ConsumedRecord> Records
    {
        get
        {
            lock (_records)
            {
                return [.. _records];
            }
        }
    }

    public IReadOnlyList<DeadLetter> DeadLetters
    {
        get
        {
            lock (_records)
            {
                return [.. _deadLetters];
            }
        }
    }

    public void Committed(IReadOnlyList<(IncomingRecord Record, RecordOutcome Outcome)> handled, IReadOnlyList<DeadLetter> deadLetters)
    {
        var records = new List<ConsumedRecord>(handled.Count);
        foreach (var (record, outcome) in handled)
        {
            var value = record.Value.ToArray();
            var position = new RecordPosition(record.Partition.Stream, record.Partition.Partition, record.Offset, record.SequenceNumber);
            records.Add(new ConsumedRecord(position, record.Key?.ToArray(), value, DecodedEnvelope.Read(codec.Reader, value), outcome.Error, outcome.ErrorMessage, outcome.IsCopy, codec.PayloadOptions));
        }

        lock (_records)
        {
            _records.AddRange(records);
            _deadLetters.AddRange(deadLetters);
        }
    }

    public void Clear()
    {
        lock (_records)
        {
            _records.Clear();
            _deadLetters.Clear();
        }
    }
}
