namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>
/// The relay lease of one database (table <c>LogPipeOutboxLease</c>): which relay instance may send outbox entries until
/// when, and the database's outbox source id. One row per outbox.
/// </summary>
public sealed class LogPipeOutboxLease
{
    /// <summary>The lease's name; <c>outbox</c>.</summary>
    public required string Name { get; set; }

    /// <summary>The relay instance holding the lease (machine, process and a random part), or <see langword="null"/>.</summary>
    public string? Owner { get; set; }

    /// <summary>When the lease expires, in milliseconds since the Unix epoch (UTC); another instance may take it after that.</summary>
    public long ExpiresAtUnixMs { get; set; }

    /// <summary>
    /// The database's outbox source id: a GUID made once, lower-case <c>D</c> format, sent with every relayed record in the
    /// <c>logpipe-outbox-source</c> header so consumers can recognise copies.
    /// </summary>
    public required string SourceId { get; set; }
}
