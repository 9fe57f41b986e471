using System.Data;

namespace LogPipe.Hosting;

/// <summary>Bounds of a unit of work: records applied in one database transaction, checkpoints written once per partition.</summary>
public sealed class UnitOfWorkOptions
{
    /// <summary>Most records in one unit of work. Default 500.</summary>
    public int MaxRecords { get; set; } = 500;

    /// <summary>
    /// Longest time spent gathering and applying one unit before it commits (<c>LogPipe:UnitOfWork:MaxDuration</c>; the
    /// former <c>MaxDurationMs</c> is still read). Default one second.
    /// </summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long an idle consumer service waits before polling again when no source signals
    /// (<c>LogPipe:UnitOfWork:IdlePoll</c>; the former <c>IdlePollMs</c> is still read). Default one second.
    /// </summary>
    public TimeSpan IdlePoll { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The isolation level every unit of work's transaction begins with (with <c>UseEntityFrameworkOffsets</c> or an Entity
    /// Framework transaction factory), for example <see cref="System.Data.IsolationLevel.Serializable"/>. Default
    /// <see langword="null"/>: the provider's default, which on Npgsql and SQL Server is READ COMMITTED whatever the
    /// database's own default says. Configuration: <c>LogPipe:UnitOfWork:IsolationLevel</c> = <c>Serializable</c>,
    /// <c>RepeatableRead</c>, <c>ReadCommitted</c>, <c>ReadUncommitted</c> or <c>Snapshot</c> (SQL Server).
    /// </summary>
    public IsolationLevel? IsolationLevel { get; set; }
}
