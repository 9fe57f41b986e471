namespace LogPipe.Hosting.TestSupport;

/// <summary>How <see cref="ChildProcess"/> starts a program.</summary>
public sealed record ChildProcessOptions
{
    /// <summary>The working directory; the test's own when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables to set in the child's environment (a null value removes the variable).</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>Inherited variables the child must not see (such as the test run's <c>LogPipe__*</c> settings).</summary>
    public Func<string, bool>? RemoveEnvironment { get; init; }

    /// <summary>Closes stdin right after the start, so an interactive question reads end of input. Otherwise stdin
    /// stays open: the helper programs here stop when it closes, so they never outlive the test run.</summary>
    public bool CloseStandardInput { get; init; }

    /// <summary>The name in failure messages; the program's file name when null.</summary>
    public string? Name { get; init; }
}
