namespace LogPipe.Hosting;

/// <summary>What happens to dead letters besides being kept in the checkpoint store (<c>LogPipe:DeadLetters</c>).</summary>
public sealed class DeadLetterOptions
{
    /// <summary>
    /// A topic or stream every dead letter is also sent to, with its raw key and value and headers naming its source and
    /// error (<c>logpipe.error_kind</c>, <c>logpipe.error</c>, <c>logpipe.source.*</c>). Sent after the unit of work
    /// committed, so at least once; the copy in the store stays the reference. Unset: not forwarded.
    /// </summary>
    public string? ForwardTo { get; set; }

    /// <summary>
    /// Most dead letters kept in process memory by stores without a table of their own (Kafka group offsets without an
    /// application transaction, the in-memory store). Older ones are dropped first, with a warning (event 1064); every dead
    /// letter is logged when it happens and forwarded when <see cref="ForwardTo"/> is set. Default 1000.
    /// </summary>
    public int MaxKeptInMemory { get; set; } = 1000;

    /// <summary>
    /// Most bytes of keys and values of the dead letters kept in process memory (see <see cref="MaxKeptInMemory"/>); older
    /// dead letters are dropped first. Default 16 MiB.
    /// </summary>
    public long MaxBytesKeptInMemory { get; set; } = 16L * 1024 * 1024;
}
