using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace LogPipe.Hosting.Kafka.Tests.Embedded;

/// <summary>
/// The standalone development broker (src/LogPipe.Hosting.Kafka.DevBroker) running as a child process, as
/// a script would run it. The test project references the broker project, so its dll, deps.json and
/// runtimeconfig.json sit next to the test assembly.
/// </summary>
public sealed class DevBrokerProcess : IDisposable
{
    private const string BootstrapPrefix = "bootstrap.servers=";
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private DevBrokerProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>The path of the broker's dll in the test output.</summary>
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "LogPipe.Hosting.Kafka.DevBroker.dll");

    /// <summary>What the broker wrote to stderr so far (its logs).</summary>
    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet LogPipe.Hosting.Kafka.DevBroker.dll</c> with <paramref name="arguments"/>, stdin and stdout piped.</summary>
    public static DevBrokerProcess Start(params string[] arguments)
    {
        Assert.True(File.Exists(DllPath), $"{DllPath} is missing: the test project should reference the DevBroker project.");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new DevBrokerProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>Reads the first stdout line, which must be <c>bootstrap.servers=…</c>, and returns the list.</summary>
    public async Task<string> ReadBootstrapServersAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var line = await _process.StandardOutput.ReadLineAsync(deadline.Token);
        Assert.True(line is not null, "The broker closed stdout without a bootstrap line. stderr:\n" + StandardError);
        Assert.StartsWith(BootstrapPrefix, line, StringComparison.Ordinal);
        return line[BootstrapPrefix.Length..];
    }

    /// <summary>Reads the rest of stdout (after the process ended).</summary>
    public Task<string> ReadRemainingOutputAsync() => _process.StandardOutput.ReadToEndAsync();

    /// <summary>Closes the broker's stdin, as a parent that goes away would.</summary>
    public void CloseStandardInput() => _process.StandardInput.Close();

    /// <summary>Sends SIGTERM, as a service manager or <c>kill</c> would.</summary>
    public void Terminate()
    {
        Assert.Equal(0, Kill(_process.Id, SigTerm));
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The broker did not exit within {timeout}. stderr:\n{StandardError}");
        }

        return _process.ExitCode;
    }

    /// <inheritdoc />
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
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli))
        {
            return fromCli;
        }

        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }

    // DllImport, not LibraryImport: the test project does not allow unsafe code, and int arguments need no marshalling.
    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
