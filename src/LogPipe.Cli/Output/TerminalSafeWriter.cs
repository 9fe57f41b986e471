using System.Text;

namespace LogPipe.Cli.Output;

/// <summary>
/// The one way out to stdout and stderr: every command's text passes through it, so no record, dead letter or error
/// message can put control sequences on the operator's terminal (<see cref="TerminalText"/>), and no configured secret
/// reaches the screen or a log file (<see cref="Redaction"/>). Line breaks stay; JSON output passes unchanged, because
/// its encoder (<see cref="OutputJson"/>) has escaped the same characters already.
/// </summary>
internal sealed class TerminalSafeWriter : TextWriter
{
    private readonly TextWriter _inner;

    /// <summary>Whether this writes to the process's standard output or error, not to a writer of an embedding program.</summary>
    public bool WritesToConsole => ReferenceEquals(_inner, Console.Out) || ReferenceEquals(_inner, Console.Error);

    public TerminalSafeWriter(TextWriter inner)
        : base(inner?.FormatProvider) => _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    public override Encoding Encoding => _inner.Encoding;

    /// <summary>Scrubs secrets from text before it is escaped and written; set once the command knows its configuration.</summary>
    public Func<string?, string>? Redaction { get; set; }

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine
    {
        get => _inner.NewLine;
        set => _inner.NewLine = value;
    }

    public override void Write(char value) => _inner.Write(Clean(value.ToString()));

    public override void Write(string? value) => _inner.Write(Clean(value));

    public override void Write(char[] buffer, int index, int count) => Write(new ReadOnlySpan<char>(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => _inner.Write(Escape(buffer));

    public override void WriteLine() => _inner.WriteLine();

    public override void WriteLine(string? value) => _inner.WriteLine(Clean(value));

    public override void WriteLine(ReadOnlySpan<char> buffer) => _inner.WriteLine(Escape(buffer));

    public override Task WriteAsync(char value) => WriteAsync(value.ToString());

    public override Task WriteAsync(string? value) => _inner.WriteAsync(Clean(value));

    public override Task WriteAsync(char[] buffer, int index, int count) => WriteAsync(new string(buffer, index, count));

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(Escape(buffer.Span).AsMemory(), cancellationToken);

    public override Task WriteLineAsync() => _inner.WriteLineAsync();

    public override Task WriteLineAsync(char value) => WriteLineAsync(value.ToString());

    public override Task WriteLineAsync(string? value) => _inner.WriteLineAsync(Clean(value));

    public override Task WriteLineAsync(char[] buffer, int index, int count) => WriteLineAsync(new string(buffer, index, count));

    public override Task WriteLineAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteLineAsync(Escape(buffer.Span).AsMemory(), cancellationToken);

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync() => _inner.FlushAsync();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override string ToString() => _inner.ToString() ?? "";

    private string Escape(ReadOnlySpan<char> buffer) => Clean(buffer.ToString());

    private string Clean(string? text) => TerminalText.Escape(Redaction is { } redact ? redact(text) : text, keepLineBreaks: true);
}
