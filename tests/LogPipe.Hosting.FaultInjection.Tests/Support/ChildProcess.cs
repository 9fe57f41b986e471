using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// A .NET program from the test output (its dll sits next to the test assembly) running as a child process, with
/// stdin, stdout and stderr piped. Stdin stays open: the programs here stop when it closes, so they never outlive the
/// test run. <see cref="KillHardAsync"/> is SIGKILL — no cleanup, no flush, no goodbye to the consumer group.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private const int SigTerm = 15;
    private const int StderrLinesKept = 200;

    private readonly Process _process;
    private readonly Queue<string> _stderr = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr)
            {
                _stderr.Enqueue(e.Data);
                if (_stderr.Count > StderrLinesKept) _stderr.Dequeue();
            }
        };
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the program wrote to stderr (its logs).</summary>
    public string StandardError
    {
        get
        {
            lock (_stderr) return string.Join('\n', _stderr);
        }
    }

    /// <summary>Starts <c>dotnet &lt;dll&gt; args…</c>.</summary>
    public static ChildProcess Start(string dll, params IEnumerable<string> arguments)
    {
        var path = Path.Combine(AppContext.BaseDirectory, dll);
        Assert.True(File.Exists(path), $"{path} is missing: the test project should reference its project.");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(path);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return new ChildProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"), Path.GetFileNameWithoutExtension(dll));
    }

    /// <summary>Reads the next stdout line; fails the test with the program's stderr if none comes in time.</summary>
    public async Task<string> ReadLineAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        string? line;
        try
        {
            line = await _process.StandardOutput.ReadLineAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} wrote no line within {timeout}. stderr:\n{StandardError}");
        }

        return line ?? throw new InvalidOperationException($"{Name} closed stdout (exit code {(_process.HasExited ? _process.ExitCode : -1)}). stderr:\n{StandardError}");
    }

    /// <summary>SIGKILL, then waits until the process is gone.</summary>
    public async Task KillHardAsync()
    {
        // Process.Kill (without entireProcessTree) is kill(pid, SIGKILL) on Unix.
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as a service manager stops a service, then waits for the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited) Assert.Equal(0, Kill(_process.Id, SigTerm));
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not stop within {timeout}. stderr:\n{StandardError}");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    /// <summary>The dotnet host running these tests (the CLI exports it), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli)) return fromCli;
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
