namespace LogPipe.Hosting.Hosting;

/// <summary>Bounds of a unit of work: records applied in one database transaction, checkpoints written once per partition.</summary>
public sealed class UnitOfWorkOptions
{
    /// <summary>Most records in one unit of work. Default 500.</summary>
    public int MaxRecords { get; set; } = 500;

    /// <summary>Longest time spent gathering and applying one unit before it commits, in milliseconds. Default 1000.</summary>
    public int MaxDurationMs { get; set; } = 1000;

    /// <summary>How long an idle consumer service waits before polling again when no source signals, in milliseconds. Default 1000.</summary>
    public int IdlePollMs { get; set; } = 1000;
}
