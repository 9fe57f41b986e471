using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;
using Xunit;

namespace LogPipe.Hosting.TestSupport;

/// <summary>
/// A program running as a child process of the tests — the tool, a test worker, the development broker, kinesalite,
/// the sample — with stdin, stdout and stderr piped. Every line it writes is kept, so a test can read stdout line by line,
/// wait for a line or a text, and put the output in its failure messages. Signals are real (SIGINT, SIGTERM, SIGKILL);
/// disposing kills the whole process tree, so nothing outlives a failed test.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    /// <summary>SIGINT, as Ctrl+C sends.</summary>
    public const int SigInt = 2;

    /// <summary>SIGTERM, as a service manager sends.</summary>
    public const int SigTerm = 15;

    private const int LinesInFailureMessages = 100;

    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly List<string> _all = [];
    private readonly Channel<string> _unread = Channel.CreateUnbounded<string>();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _process.OutputDataReceived += (_, e) => Receive(e.Data, _stdout, _stdoutClosed, toReader: true);
        _process.ErrorDataReceived += (_, e) => Receive(e.Data, _stderr, _stderrClosed, toReader: false);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>How long a child may take to start, answer or stop before the test fails; generous, since CI machines have 2 cores.</summary>
    public static TimeSpan Patience { get; } = TimeSpan.FromSeconds(60);

    /// <summary>The name in failure messages.</summary>
    public string Name { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code (only once exited).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Everything written to stdout so far, a line each.</summary>
    public string StandardOutput => Join(_stdout);

    /// <summary>Everything written to stderr so far (usually the program's logs), a line each.</summary>
    public string StandardError => Join(_stderr);

    /// <summary>stdout and stderr interleaved as they arrived.</summary>
    public string Output => Join(_all);

    /// <summary>Whether this process ignores SIGINT (bit 1 of <c>SigIgn</c> in /proc/self/status), as a background job does.</summary>
    private static readonly Lazy<bool> InterruptIgnored = new(() =>
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/status")) return false;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var ignored)
            && (ignored & (1UL << (SigInt - 1))) != 0;
    });

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>.</summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, ChildProcessOptions? options = null)
    {
        options ??= new ChildProcessOptions();
        var program = fileName;
        var programArguments = arguments.ToList();
        if (InterruptIgnored.Value && File.Exists("/usr/bin/env"))
        {
            // A test run started in the background by a non-interactive shell (`cmd &`) ignores SIGINT, and an ignored
            // signal stays ignored across exec: Interrupt() would never reach the child. env (coreutils 8.31+) restores
            // the default and execs the program in place, so the child keeps env's process id.
            programArguments.InsertRange(0, ["--default-signal=INT", fileName]);
            program = "/usr/bin/env";
        }

        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (options.WorkingDirectory is not null) start.WorkingDirectory = options.WorkingDirectory;
        foreach (var argument in programArguments) start.ArgumentList.Add(argument);
        if (options.RemoveEnvironment is { } remove)
        {
            foreach (var key in start.Environment.Keys.Where(remove).ToList()) start.Environment.Remove(key);
        }

        foreach (var (key, value) in options.Environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var child = new ChildProcess(process, options.Name ?? Path.GetFileNameWithoutExtension(arguments.FirstOrDefault(a => a.EndsWith(".dll", StringComparison.Ordinal)) ?? fileName));
        if (options.CloseStandardInput) child.CloseStandardInput();
        return child;
    }

    /// <summary>Starts <c>dotnet &lt;dll&gt; arguments…</c> for a program whose dll the build put next to the test assembly.</summary>
    public static ChildProcess StartDotnet(string dll, IEnumerable<string> arguments, ChildProcessOptions? options = null)
    {
        var path = Path.Combine(AppContext.BaseDirectory, dll);
        Assert.True(File.Exists(path), $"{path} is missing: the project should reference the project that builds it.");
        return Start(DotnetHost(), [path, .. arguments], options);
    }

    /// <summary>Runs a program to completion and returns its exit code and output; fails if it takes longer than <paramref name="timeout"/>.</summary>
    public static async Task<ChildProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, ChildProcessOptions? options = null)
    {
        using var child = Start(fileName, arguments, options ?? new ChildProcessOptions { CloseStandardInput = true });
        var exitCode = await child.WaitForExitAsync(timeout);
        return new ChildProcessResult(exitCode, child.StandardOutput, child.StandardError, child.Output);
    }

    /// <summary>The dotnet host running these tests (the CLI exports it), else the one on PATH.</summary>
    public static string DotnetHost()
    {
        var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli)) return fromCli;
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }

    /// <summary>Reads the next stdout line not read yet; fails with the program's output if none comes in time.</summary>
    public async Task<string> ReadLineAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await _unread.Reader.ReadAsync(deadline.Token);
        }
        catch (ChannelClosedException)
        {
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            throw new InvalidOperationException($"{Name} closed stdout (exit code {_process.ExitCode}).{Describe()}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name} wrote no line within {timeout}.{Describe()}");
        }
    }

    /// <summary>The stdout lines <see cref="ReadLineAsync"/> has not returned, once stdout is closed (after the exit).</summary>
    public string ReadRemainingOutput()
    {
        Assert.True(_stdoutClosed.Task.IsCompleted, $"{Name} still has stdout open.");
        var rest = new StringBuilder();
        while (_unread.Reader.TryRead(out var line)) rest.Append(line).Append('\n');
        return rest.ToString();
    }

    /// <summary>Waits until a line (of stdout, or of stderr) matches <paramref name="match"/> and returns it; fails if
    /// the program exits first or the time runs out.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null, bool onStandardError = false, string? because = null)
    {
        string? found = null;
        await WaitUntilAsync(
            () =>
            {
                lock (_gate) found = (onStandardError ? _stderr : _stdout).FirstOrDefault(match);
                return found is not null;
            },
            onStandardError,
            timeout ?? Patience,
            because ?? "a matching line");
        return found!;
    }

    /// <summary>Waits until stdout (or stderr) holds <paramref name="text"/>; fails if the program exits first or the time runs out.</summary>
    public Task WaitForOutputAsync(string text, bool onStandardError = false, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => (onStandardError ? StandardError : StandardOutput).Contains(text, StringComparison.Ordinal), onStandardError, timeout ?? Patience, $"'{text}'");

    /// <summary>Sends <paramref name="signal"/> (see <see cref="SigInt"/>, <see cref="SigTerm"/>).</summary>
    public void Signal(int signal) => Assert.True(Kill(_process.Id, signal) == 0, $"kill({_process.Id}, {signal}) failed: {Marshal.GetLastPInvokeError()}");

    /// <summary>Sends SIGINT, as Ctrl+C does.</summary>
    public void Interrupt() => Signal(SigInt);

    /// <summary>Sends SIGTERM, as a service manager does.</summary>
    public void Terminate() => Signal(SigTerm);

    /// <summary>SIGTERM, then waits for the exit code.</summary>
    public Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited) Terminate();
        return WaitForExitAsync(timeout);
    }

    /// <summary>SIGKILL (no cleanup, no flush, no goodbye to the consumer group), then waits until the process is gone.</summary>
    public async Task KillHardAsync()
    {
        // Process.Kill (without entireProcessTree) is kill(pid, SIGKILL) on Unix.
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Closes the child's stdin, as a parent that goes away would.</summary>
    public void CloseStandardInput() => _process.StandardInput.Close();

    /// <summary>Waits for the exit and for all output, and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? Patience);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout ?? Patience}.{Describe()}");
        }

        return _process.ExitCode;
    }

    /// <summary>Closes stdin (the helper programs stop then), waits up to <paramref name="timeout"/>, kills the tree otherwise.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited) CloseStandardInput();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Kills the process tree if it still runs.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private async Task WaitUntilAsync(Func<bool> condition, bool onStandardError, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate) changed = _changed.Task;
            if (condition()) return;
            var closed = onStandardError ? _stderrClosed.Task : _stdoutClosed.Task;
            if (closed.IsCompleted)
            {
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
                Assert.Fail($"{Name} exited ({_process.ExitCode}) without writing {what}.{Describe()}");
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                if (condition()) return;
                Assert.Fail($"{Name} did not write {what} within {timeout}.{Describe()}");
            }
        }
    }

    private void Receive(string? line, List<string> lines, TaskCompletionSource closed, bool toReader)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (line is null)
            {
                closed.TrySetResult();
                if (toReader) _unread.Writer.TryComplete();
            }
            else
            {
                lines.Add(line);
                _all.Add(line);
                if (toReader) _unread.Writer.TryWrite(line);
            }

            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    private string Join(List<string> lines)
    {
        var text = new StringBuilder();
        lock (_gate)
        {
            foreach (var line in lines) text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    private string Describe()
    {
        lock (_gate)
        {
            return $"\nstdout (last {LinesInFailureMessages} lines):\n{string.Join('\n', _stdout.TakeLast(LinesInFailureMessages))}"
                + $"\nstderr (last {LinesInFailureMessages} lines):\n{string.Join('\n', _stderr.TakeLast(LinesInFailureMessages))}";
        }
    }

    // DllImport, not LibraryImport: the projects do not allow unsafe code, and int arguments need no marshalling.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
