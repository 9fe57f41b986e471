using System.Diagnostics.CodeAnalysis;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// The consumer service's working state for one consumer: its source, records taken back after a rollback (applied
/// before anything newer), its retry pause, and the attempts of records whose save failed.
/// </summary>
internal sealed class ConsumerState
{
    private readonly LinkedList<IncomingRecord> _pending = new();
    private IncomingRecord? _peeked;
    private readonly Dictionary<(PartitionKey, long), SaveFailureRecord> _failures = [];

    public ConsumerState(RecordProcessor processor, IRecordSource source, FailureOptions failures)
    {
        Processor = processor;
        Source = source;
        Revoking = source as IRevokingSource;
        Failures = failures;
    }

    public RecordProcessor Processor { get; }

    public IRecordSource Source { get; }

    /// <summary>The source, when its partitions can be in the middle of a revocation.</summary>
    public IRevokingSource? Revoking { get; }

    public FailureOptions Failures { get; }

    /// <summary>Bounds each record's apply by <see cref="FailureOptions.SaveTimeout"/>.</summary>
    public required SaveDeadline Deadline { get; init; }

    public string Stream => Processor.Definition.Stream;

    /// <summary>No record of this consumer is applied before this time (backoff after a failed save).</summary>
    public DateTimeOffset NotBefore { get; set; } = DateTimeOffset.MinValue;

    public bool TryPeek([NotNullWhen(true)] out IncomingRecord? record)
    {
        if (_pending.First is { } first)
        {
            record = first.Value;
            return true;
        }

        if (_peeked is { } peeked)
        {
            record = peeked;
            return true;
        }

        if (Source.TryRead(out record))
        {
            // The head read from the source waits in a field, not in the list: most records are peeked and taken at
            // once, and a list node for each was an allocation per record.
            _peeked = record;
            return true;
        }

        return false;
    }

    public void DropHead()
    {
        if (_pending.First is not null) _pending.RemoveFirst();
        else _peeked = null;
    }

    /// <summary>
    /// Puts a record back in front of everything not yet applied (records put back earlier, then the peeked head); call
    /// in reverse order to keep the original order.
    /// </summary>
    public void PutBack(IncomingRecord record) => _pending.AddFirst(record);

    public SaveFailureRecord? FailureOf(IncomingRecord record) =>
        _failures.Count > 0 && _failures.TryGetValue((record.Partition, record.Offset), out var e) ? e : null;

    public void SetFailure(IncomingRecord record, SaveFailureRecord failure) => _failures[(record.Partition, record.Offset)] = failure;

    public int AttemptsOf(IncomingRecord record) => FailureOf(record)?.Attempts ?? 0;

    public void ForgetFailures(IncomingRecord record)
    {
        if (_failures.Count > 0) _failures.Remove((record.Partition, record.Offset));
    }
}
