namespace LogPipe.Hosting.Hosting;

/// <summary>
/// How long a consumer remembers the outbox records it applied, to recognise copies a relay sent again
/// (<c>LogPipe:Outbox</c>). Read by checkpoint stores that keep outbox identities (the EF Core store, the in-memory store).
/// </summary>
public sealed class OutboxDeduplicationOptions
{
    /// <summary>The configuration section, relative to <c>LogPipe</c>.</summary>
    public const string SectionName = "Outbox";

    /// <summary>
    /// How long an applied outbox record's identity is kept at least (<c>LogPipe:Outbox:DeduplicationWindow</c>, for
    /// example <c>7.00:00:00</c>). Older identities are deleted in small batches (within about a minute); a copy arriving
    /// after its identity was deleted is applied again. Default 7 days.
    /// </summary>
    public TimeSpan DeduplicationWindow { get; set; } = TimeSpan.FromDays(7);
}
