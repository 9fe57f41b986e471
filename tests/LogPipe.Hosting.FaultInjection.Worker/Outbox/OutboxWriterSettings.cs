namespace LogPipe.Hosting.FaultInjection.Worker.Outbox;

/// <summary>How an <see cref="OutboxWriter"/> writes.</summary>
public sealed record OutboxWriterSettings
{
    /// <summary>Business transactions in flight at once (each its own scope and DbContext).</summary>
    public int Writers { get; init; } = 4;

    /// <summary>Every this many transactions one is rolled back after its send (0: none): its change must never reach the log.</summary>
    public int RollbackEvery { get; init; }

    /// <summary>Stop writing once this many changes have committed in the database, counting those of earlier processes.</summary>
    public int Changes { get; init; } = int.MaxValue;

    /// <summary>Transactions per second over all writers; 0 writes as fast as the database takes them.</summary>
    public int Rate { get; init; }

    /// <summary>Keep every committed transaction's start and duration in <see cref="OutboxWriter.Latencies"/>.</summary>
    public bool RecordLatencies { get; init; }

    /// <summary>Called after each commit with the change and the <see cref="System.Diagnostics.Stopwatch"/> timestamp of the commit's return.</summary>
    public Action<Guid, long>? Committed { get; init; }
}
