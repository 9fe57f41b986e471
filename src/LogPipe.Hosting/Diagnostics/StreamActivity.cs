using System.Collections.Concurrent;

namespace LogPipe.Hosting.Diagnostics;

/// <summary>
/// What each consumer (by topic or stream) handled lately, for an operator's page: records committed per second over the
/// last minute, how many in all, and the last error (message error or failed save). Written by the consumer loop after
/// each commit and on each failed save, read by the dashboard on other threads.
/// </summary>
internal sealed class StreamActivity
{
    /// <summary>How far back the records-per-second rate looks.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time;
    private readonly DateTimeOffset _since;
    private readonly ConcurrentDictionary<string, StreamCounters> _streams = new(StringComparer.Ordinal);

    public StreamActivity(TimeProvider time)
    {
        _time = time;
        _since = time.GetUtcNow();
    }

    /// <summary><paramref name="count"/> records of <paramref name="stream"/> committed (applied or skipped).</summary>
    public void Handled(string stream, int count)
    {
        var counters = _streams.GetOrAdd(stream, static _ => new StreamCounters());
        var now = _time.GetUtcNow();
        lock (counters)
        {
            counters.Total += count;
            counters.Recent.Enqueue((now, count));
            counters.InWindow += count;
            Trim(counters, now);
        }
    }

    /// <summary>A record of <paramref name="position"/>'s stream ended in an error (skipped and kept, or a save that failed).</summary>
    public void Failed(RecordPosition position, string kind, string? message)
    {
        var counters = _streams.GetOrAdd(position.Stream, static _ => new StreamCounters());
        lock (counters)
        {
            counters.Errors++;
            counters.LastError = new StreamError(_time.GetUtcNow(), kind, message, position);
        }
    }

    /// <summary>What <paramref name="stream"/> handled, as of now.</summary>
    public StreamActivitySnapshot Of(string stream)
    {
        if (!_streams.TryGetValue(stream, out var counters)) return new StreamActivitySnapshot(0, 0, 0, null);
        var now = _time.GetUtcNow();
        lock (counters)
        {
            Trim(counters, now);
            // A service started less than a window ago divides by the time it has run, not by the whole window.
            var seconds = Math.Max(1, Math.Min(RateWindow.TotalSeconds, (now - _since).TotalSeconds));
            return new StreamActivitySnapshot(counters.Total, counters.InWindow / seconds, counters.Errors, counters.LastError);
        }
    }

    private static void Trim(StreamCounters counters, DateTimeOffset now)
    {
        while (counters.Recent.TryPeek(out var oldest) && now - oldest.At > RateWindow)
        {
            counters.InWindow -= counters.Recent.Dequeue().Count;
        }
    }

    private sealed class StreamCounters
    {
        public readonly Queue<(DateTimeOffset At, int Count)> Recent = new();
        public long Total;
        public long InWindow;
        public long Errors;
        public StreamError? LastError;
    }
}
