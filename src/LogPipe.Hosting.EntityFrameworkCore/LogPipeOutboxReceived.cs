namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>
/// An outbox record a consumer group applied: its identity (the outbox source and sequence from the record's headers) and
/// when. A record whose identity is here is a copy the relay sent again, and is skipped. Rows older than
/// <c>LogPipe:Outbox:DeduplicationWindow</c> are deleted in small batches.
/// </summary>
public sealed class LogPipeOutboxReceived
{
    /// <summary>The consumer group that applied the record.</summary>
    public required string ConsumerGroup { get; set; }

    /// <summary>The outbox source id (one per outbox database).</summary>
    public Guid Source { get; set; }

    /// <summary>The outbox sequence (the outbox row's id), unique within its source.</summary>
    public long Sequence { get; set; }

    /// <summary>When the record was applied, in UTC.</summary>
    public DateTime AppliedAt { get; set; }
}
