using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace LogPipe.Cli.Tests.Support;

/// <summary>
/// <c>dotnet logpipe.dll …</c> as a child process, as an operator or a script runs it. The test project references the
/// tool's project, so logpipe.dll and its runtimeconfig sit next to the test assembly. The child gets a clean environment
/// (no DOTNET_ENVIRONMENT, no LogPipe__ variables of the test run) and its own working directory.
/// </summary>
public sealed class LogPipeProcess : IDisposable
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LogPipeProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data, _stdoutClosed);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data, _stderrClosed);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>How long a command may take before the test fails; generous, since CI machines have 2 cores.</summary>
    public static TimeSpan Patience { get; } = TimeSpan.FromSeconds(60);

    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "logpipe.dll");

    public string StandardOutput => Read(_stdout);

    public string StandardError => Read(_stderr);

    public int Id => _process.Id;

    /// <summary>Starts the tool.</summary>
    /// <param name="workingDirectory">Its working directory (where ./appsettings.json is looked for).</param>
    /// <param name="environment">Extra environment variables.</param>
    /// <param name="arguments">The command line.</param>
    public static LogPipeProcess Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        Assert.True(File.Exists(DllPath), $"{DllPath} is missing: the test project should reference the LogPipe.Cli project.");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("LogPipe__", StringComparison.OrdinalIgnoreCase) || key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                || key is "DOTNET_ENVIRONMENT" or "ASPNETCORE_ENVIRONMENT")
            {
                start.Environment.Remove(key);
            }
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        start.ArgumentList.Add(DllPath);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var process = new LogPipeProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
        // Nothing is ever typed: an interactive question reads end of input.
        process._process.StandardInput.Close();
        return process;
    }

    /// <summary>Waits for the exit and returns the exit code, with all output read.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? Patience);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"logpipe did not exit within {timeout ?? Patience}.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
        }

        return _process.ExitCode;
    }

    /// <summary>Waits until stdout or stderr holds <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, bool onStandardError = false)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!(onStandardError ? StandardError : StandardOutput).Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited && (onStandardError ? _stderrClosed : _stdoutClosed).Task.IsCompleted)
            {
                Assert.Fail($"logpipe exited ({_process.ExitCode}) without printing '{text}'.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
            }

            if (DateTime.UtcNow > deadline) Assert.Fail($"logpipe did not print '{text}' within {Patience}.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
            await Task.Delay(20);
        }
    }

    /// <summary>Sends SIGINT, as Ctrl+C does.</summary>
    public void Interrupt() => Assert.Equal(0, Kill(_process.Id, SigInt));

    /// <summary>Sends SIGTERM, as a service manager does.</summary>
    public void Terminate() => Assert.Equal(0, Kill(_process.Id, SigTerm));

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder target, string? line, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (target)
        {
            target.AppendLine(line);
        }
    }

    private static string Read(StringBuilder source)
    {
        lock (source)
        {
            return source.ToString();
        }
    }

    /// <summary>The dotnet host running these tests (the CLI exports it), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli)) return fromCli;
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }

    // DllImport, not LibraryImport: the test project does not allow unsafe code, and int arguments need no marshalling.
    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
