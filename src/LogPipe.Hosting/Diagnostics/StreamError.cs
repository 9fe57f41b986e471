namespace LogPipe.Hosting.Diagnostics;

/// <summary>The last error a consumer met.</summary>
/// <param name="At">When.</param>
/// <param name="Kind">A <see cref="MessageErrorKind"/> name, or <c>SaveFailed</c>.</param>
/// <param name="Message">What went wrong.</param>
/// <param name="Position">The record.</param>
internal sealed record StreamError(DateTimeOffset At, string Kind, string? Message, RecordPosition Position);
