namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>Which dead letters to list, replay or purge. Unset filters match everything.</summary>
public sealed record DeadLetterQuery
{
    /// <summary>Only this consumer group's; <see langword="null"/> means the service's own group.</summary>
    public string? ConsumerGroup { get; init; }

    /// <summary>Only from this topic or stream.</summary>
    public string? Stream { get; init; }

    /// <summary>Only of this error kind (a <c>MessageErrorKind</c> name, e.g. <c>UnknownVersion</c>).</summary>
    public string? ErrorKind { get; init; }

    /// <summary>Only of this message type.</summary>
    public string? MessageType { get; init; }

    /// <summary>Only these ids.</summary>
    public IReadOnlyCollection<long>? Ids { get; init; }

    /// <summary>Rows to skip (oldest first).</summary>
    public int Skip { get; init; }

    /// <summary>Most rows to return or act on. Default 1000.</summary>
    public int Take { get; init; } = 1000;
}
