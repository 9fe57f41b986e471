namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>How the outbox relay runs, bound from <c>LogPipe:Outbox</c>.</summary>
public sealed class OutboxOptions
{
    /// <summary>The configuration section, relative to <c>LogPipe</c>.</summary>
    public const string SectionName = "Outbox";

    /// <summary>
    /// How often, in milliseconds, the relay looks for entries committed by other processes (entries committed in this
    /// process wake it at once), and how often an instance without the lease tries to take it. Default 1000.
    /// </summary>
    public int PollIntervalMs { get; set; } = 1000;

    /// <summary>
    /// How long, in milliseconds, the relay's lease lasts without renewal; the holder renews it before every batch. After a
    /// crash another instance takes over after at most this long. Default 30000.
    /// </summary>
    public int LeaseDurationMs { get; set; } = 30000;

    /// <summary>How many entries the relay sends per batch. Default 500.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>The relay's first wait, in milliseconds, after a failed send or database error; doubles up to <see cref="MaxBackoffMs"/>. Default 200.</summary>
    public int InitialBackoffMs { get; set; } = 200;

    /// <summary>The relay's longest wait, in milliseconds, between tries while the broker or database is down. Default 10000.</summary>
    public int MaxBackoffMs { get; set; } = 10000;

    /// <summary>
    /// Seconds the oldest unsent entry may wait before the health check reports Degraded (the relay is behind, the broker is
    /// down, or no instance holds the lease). Default 60.
    /// </summary>
    public int MaxAgeSeconds { get; set; } = 60;

    /// <summary>
    /// Turns off the relay in this process: it then only writes outbox entries, and another process relays them. Default
    /// <see langword="false"/>.
    /// </summary>
    public bool DisableRelay { get; set; }
}
