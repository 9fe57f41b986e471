using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Checkpoints;

/// <summary>
/// The dead letters a store without a table keeps in process memory (Kafka group offsets without an application
/// transaction, the in-memory store): only the most recent, within <c>LogPipe:DeadLetters:MaxKeptInMemory</c> and
/// <c>MaxBytesKeptInMemory</c>, so a topic full of bad records cannot grow the process without end. Each dead letter was
/// logged when it happened and is forwarded when <c>LogPipe:DeadLetters:ForwardTo</c> is set; dropping old ones is
/// logged too. Thread-safe.
/// </summary>
public sealed partial class RecentDeadLetters
{
    private readonly Queue<DeadLetter> _kept = new();
    private readonly object _lock = new();
    private readonly ILogger _logger;
    private long _bytes;
    private long _dropped;
    private long _droppedWhenLogged;

    /// <summary>Creates the buffer with the default bounds, logging nowhere.</summary>
    public RecentDeadLetters()
        : this(new DeadLetterOptions().MaxKeptInMemory, new DeadLetterOptions().MaxBytesKeptInMemory)
    {
    }

    /// <summary>Creates the buffer with the bounds of <c>LogPipe:DeadLetters</c>.</summary>
    /// <param name="options">LogPipe's options.</param>
    /// <param name="logger">Where dropping old dead letters is logged.</param>
    public RecentDeadLetters(IOptions<LogPipeOptions> options, ILogger<RecentDeadLetters> logger)
        : this(options?.Value.DeadLetters.MaxKeptInMemory ?? new DeadLetterOptions().MaxKeptInMemory, options?.Value.DeadLetters.MaxBytesKeptInMemory ?? new DeadLetterOptions().MaxBytesKeptInMemory, logger)
    {
    }

    /// <summary>Creates the buffer.</summary>
    /// <param name="maxCount">Most dead letters kept.</param>
    /// <param name="maxBytes">Most bytes of keys and values kept.</param>
    /// <param name="logger">Where dropping old dead letters is logged, or <see langword="null"/>.</param>
    public RecentDeadLetters(int maxCount, long maxBytes, ILogger? logger = null)
    {
        MaxCount = Math.Max(0, maxCount);
        MaxBytes = Math.Max(0, maxBytes);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Most dead letters kept.</summary>
    public int MaxCount { get; }

    /// <summary>Most bytes of keys and values kept.</summary>
    public long MaxBytes { get; }

    /// <summary>How many dead letters were dropped from memory so far to stay within the bounds.</summary>
    public long Dropped
    {
        get
        {
            lock (_lock) return _dropped;
        }
    }

    /// <summary>The dead letters kept, oldest first.</summary>
    /// <returns>A copy.</returns>
    public IReadOnlyList<DeadLetter> Snapshot()
    {
        lock (_lock) return [.. _kept];
    }

    /// <summary>Keeps <paramref name="deadLetters"/>, dropping the oldest ones kept beyond the bounds.</summary>
    /// <param name="deadLetters">Dead letters of a committed unit of work.</param>
    public void AddRange(IReadOnlyList<DeadLetter> deadLetters)
    {
        ArgumentNullException.ThrowIfNull(deadLetters);
        if (deadLetters.Count == 0) return;
        long droppedNow;
        long total;
        lock (_lock)
        {
            var before = _dropped;
            foreach (var d in deadLetters)
            {
                _kept.Enqueue(d);
                _bytes += SizeOf(d);
            }

            while (_kept.Count > 0 && (_kept.Count > MaxCount || _bytes > MaxBytes))
            {
                _bytes -= SizeOf(_kept.Dequeue());
                _dropped++;
            }

            droppedNow = _dropped - before;
            total = _dropped;

            // Logged on the first drop and then once per further MaxCount dropped, not once per dead letter.
            if (droppedNow == 0 || (_droppedWhenLogged > 0 && total - _droppedWhenLogged < Math.Max(1, MaxCount))) return;
            _droppedWhenLogged = total;
        }

        DeadLettersDroppedFromMemory(_logger, droppedNow, total, MaxCount, MaxBytes);
    }

    private static long SizeOf(DeadLetter d) => d.Value.LongLength + (d.Key?.LongLength ?? 0);

    [LoggerMessage(EventId = 1064, Level = LogLevel.Warning, Message = "Dropped {DroppedNow} old dead letters from memory ({DroppedTotal} so far) to keep at most {MaxCount} and {MaxBytes} bytes; every dead letter was logged when it happened")]
    private static partial void DeadLettersDroppedFromMemory(ILogger logger, long droppedNow, long droppedTotal, int maxCount, long maxBytes);
}
