using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.TestSupport;

public sealed record CapturedLog(LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, object?> State, Exception? Exception);

/// <summary>
/// Keeps every log entry with its structured properties: as a logger provider of a host, or as one logger
/// (<see cref="CreateLogger{T}"/>) handed to a class under test.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<CapturedLog> Entries { get; } = new();

    /// <summary>All entries as one text (level, event, message, properties, exception), for "does it appear anywhere" checks.</summary>
    public string AllText => string.Join(
        Environment.NewLine,
        Entries.Select(e => $"{e.Level} {e.EventId} {e.Message} {string.Join(", ", e.State.Select(p => $"{p.Key}={p.Value}"))} {e.Exception}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <summary>A logger of category <typeparamref name="T"/> that writes here.</summary>
    public ILogger<T> CreateLogger<T>() => new Logger<T>(this);

    public void Dispose()
    {
    }

    private class Logger(LogCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state is IEnumerable<KeyValuePair<string, object?>> kv ? kv.ToDictionary(p => p.Key, p => p.Value) : [];
            owner.Entries.Enqueue(new CapturedLog(logLevel, eventId, formatter(state, exception), properties, exception));
        }
    }

    private sealed class Logger<T>(LogCapture owner) : Logger(owner), ILogger<T>;
}
