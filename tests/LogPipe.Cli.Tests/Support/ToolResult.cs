namespace LogPipe.Cli.Tests.Support;

/// <summary>How a run of the tool ended.</summary>
public sealed record ToolResult(int ExitCode, string Out, string Error)
{
    /// <summary>Asserts the exit code, showing the output when it differs.</summary>
    public ToolResult Expect(int exitCode)
    {
        Assert.True(exitCode == ExitCode, $"Expected exit code {exitCode}, got {ExitCode}.\nstdout:\n{Out}\nstderr:\n{Error}");
        return this;
    }
}
