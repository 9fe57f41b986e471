namespace LogPipe.Hosting.Diagnostics;

/// <summary>What one consumer's topic or stream handled, as of one moment.</summary>
/// <param name="Handled">Records committed (applied or skipped) since the service started.</param>
/// <param name="RecordsPerSecond">Records committed per second over the last minute.</param>
/// <param name="Errors">Records that ended in an error since the service started (message errors and failed saves).</param>
/// <param name="LastError">The most recent of them, if any.</param>
internal sealed record StreamActivitySnapshot(long Handled, double RecordsPerSecond, long Errors, StreamError? LastError);
