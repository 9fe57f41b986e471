using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace LogPipe.Hosting.TestSupport;

/// <summary>
/// kinesalite (in-memory Kinesis) in a Node process of its own, on 127.0.0.1 and a port the OS picks. It runs the Node
/// host in <c>tests/LogPipe.Hosting.Kinesis.Tests/kinesalite</c> (<c>server.js</c> and the pinned package), which it
/// installs with <c>npm ci</c> on first use, so a clean clone works. The server stops when its stdin — held open here —
/// closes, so it never outlives the test process, even one that is killed.
/// </summary>
public sealed partial class KinesaliteHost : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private KinesaliteHost(Process process, ConcurrentQueue<string> output, Uri serviceUrl)
    {
        _process = process;
        _output = output;
        ServiceUrl = serviceUrl;
    }

    /// <summary>The server's endpoint, such as <c>http://127.0.0.1:41234</c>.</summary>
    public Uri ServiceUrl { get; }

    /// <summary>What the server printed so far (stdout and stderr), for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>The folder with <c>package.json</c> and <c>server.js</c>, taken from the build (AssemblyMetadata).</summary>
    public static string HostDirectory =>
        typeof(KinesaliteHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "KinesaliteDirectory").Value!;

    /// <summary>Installs kinesalite if needed, starts it and returns once it listens.</summary>
    /// <param name="arguments">Options for <c>server.js</c>, such as <c>--shardLimit 100</c>.</param>
    public static async Task<KinesaliteHost> StartAsync(params string[] arguments)
    {
        var directory = HostDirectory;
        await EnsureInstalledAsync(directory);

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("server.js");
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        var output = new ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            output.Enqueue(e.Data);
            var match = ListeningLine().Match(e.Data);
            if (match.Success) listening.TrySetResult(new Uri($"http://{match.Groups["host"].Value}:{match.Groups["port"].Value}"));
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) output.Enqueue(e.Data);
        };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException(
            $"kinesalite exited before listening:{Environment.NewLine}{string.Join(Environment.NewLine, output)}"));

        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException("Could not start node.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return new KinesaliteHost(process, output, await listening.Task.WaitAsync(StartTimeout));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Closes the server's stdin, which stops it; kills it only if it does not stop within 5 seconds.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(exited.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static async Task EnsureInstalledAsync(string directory)
    {
        var marker = Path.Combine(directory, "node_modules", "kinesalite", "package.json");
        if (File.Exists(marker)) return;

        // Several test processes may start at once; one installs while the others wait on the lock.
        using var installLock = await AcquireLockAsync(Path.Combine(directory, ".install.lock"));
        if (File.Exists(marker)) return;

        // --omit=optional skips leveldown (a native LevelDB binding); the server keeps data in memory.
        var (exitCode, output) = await RunAsync("npm", ["ci", "--omit=optional", "--no-audit", "--no-fund", "--no-update-notifier"], directory);
        if (exitCode != 0 || !File.Exists(marker))
        {
            throw new InvalidOperationException($"npm ci in {directory} failed (exit code {exitCode}):{Environment.NewLine}{output}");
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string path)
    {
        var deadline = DateTime.UtcNow + InstallTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, string directory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(InstallTimeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {InstallTimeout}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"^listening (?<host>127\.0\.0\.1):(?<port>\d+)$")]
    private static partial Regex ListeningLine();
}
