namespace LogPipe.Hosting.Hosting;

/// <summary>What happens to dead letters besides being kept in the checkpoint store (<c>LogPipe:DeadLetters</c>).</summary>
public sealed class DeadLetterOptions
{
    /// <summary>
    /// A topic or stream every dead letter is also sent to, with its raw key and value and headers naming its source and
    /// error (<c>logpipe.error_kind</c>, <c>logpipe.error</c>, <c>logpipe.source.*</c>). Sent after the unit of work
    /// committed, so at least once; the copy in the store stays the reference. Unset: not forwarded.
    /// </summary>
    public string? ForwardTo { get; set; }
}
