namespace LogPipe.Hosting.TestSupport;

/// <summary>How a program run to completion by <see cref="ChildProcess.RunAsync"/> ended.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="StandardOutput">Everything it wrote to stdout.</param>
/// <param name="StandardError">Everything it wrote to stderr.</param>
/// <param name="Output">stdout and stderr interleaved as they arrived.</param>
public sealed record ChildProcessResult(int ExitCode, string StandardOutput, string StandardError, string Output);
