namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>How the outbox relay runs, bound from <c>LogPipe:Outbox</c>.</summary>
public sealed class OutboxOptions
{
    /// <summary>The configuration section, relative to <c>LogPipe</c>.</summary>
    public const string SectionName = "Outbox";

    /// <summary>
    /// How often the relay looks for entries committed by other processes (entries committed in this process wake it at
    /// once), and how often an instance without the lease tries to take it (<c>PollInterval</c>; the former
    /// <c>PollIntervalMs</c> is still read). Default one second.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the relay's lease lasts without renewal; the holder renews it once a third of it has run. After a crash another
    /// instance takes over after at most this long (<c>LeaseDuration</c>; the former <c>LeaseDurationMs</c> is still read).
    /// Default 30 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many entries the relay sends per batch (1–10,000). Each batch costs a read, a delete and the transport's
    /// acknowledgement (librdkafka waits <c>linger.ms</c> before sending the last records): larger batches spread that over
    /// more entries, at the price of more entries sent again after a crash between acknowledgement and delete. Default 2,000.
    /// </summary>
    public int BatchSize { get; set; } = 2000;

    /// <summary>
    /// The relay's first wait after a failed send or database error; doubles up to <see cref="MaxBackoff"/>
    /// (<c>InitialBackoff</c>; the former <c>InitialBackoffMs</c> is still read). Default 200 ms.
    /// </summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The relay's longest wait between tries while the broker or database is down (<c>MaxBackoff</c>; the former
    /// <c>MaxBackoffMs</c> is still read). Default 10 s.
    /// </summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the oldest unsent entry may wait before the health check reports Degraded (the relay is behind, the broker
    /// is down, or no instance holds the lease) (<c>MaxAge</c>; the former <c>MaxAgeSeconds</c> is still read). Default one
    /// minute.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Turns off the relay in this process: it then only writes outbox entries, and another process relays them. Default
    /// <see langword="false"/>.
    /// </summary>
    public bool DisableRelay { get; set; }

    /// <summary>
    /// On SQLite, makes this process's outbox writes take turns in memory (<c>SqliteWriteGate</c>): a save that carries
    /// outbox entries holds a lock per database file from before its transaction begins until it committed, and the
    /// relay's deletes and lease updates take the same lock, ahead of the saves still waiting. SQLite lets one writer in at
    /// a time and has no queue: without the gate the process's writers race for the file lock. Writes outside the gate
    /// (explicit transactions, saves without entries, other processes) still meet the gated ones at the file lock, where
    /// the busy timeout the outbox gives its connections (the command timeout) makes them wait in milliseconds, not in
    /// Microsoft.Data.Sqlite's 150 ms sleeps. Meant for a process that is the only writer of its SQLite file, whose writes
    /// mostly carry outbox entries. No effect on other databases. Default <see langword="false"/>.
    /// </summary>
    public bool SqliteWriteGate { get; set; }
}
