using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kinesis.Tests.Fixtures;

/// <summary>Keeps every log entry (message, structured values and exception text) for assertions.</summary>
public sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    /// <summary>One log call.</summary>
    public sealed record Entry(LogLevel Level, EventId EventId, string Message, string State, string? Exception);

    /// <summary>Everything logged so far.</summary>
    public IReadOnlyList<Entry> Entries => [.. _entries];

    /// <summary>All entries as one text, for "does it appear anywhere" checks.</summary>
    public string AllText => string.Join(Environment.NewLine, _entries.Select(e => $"{e.Level} {e.EventId} {e.Message} {e.State} {e.Exception}"));

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}"))
            : state?.ToString() ?? string.Empty;
        _entries.Enqueue(new Entry(logLevel, eventId, formatter(state, exception), values, exception?.ToString()));
    }
}
