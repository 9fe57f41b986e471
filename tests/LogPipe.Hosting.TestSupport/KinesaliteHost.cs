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

    private readonly ChildProcess _process;

    private KinesaliteHost(ChildProcess process, Uri serviceUrl)
    {
        _process = process;
        ServiceUrl = serviceUrl;
    }

    /// <summary>The server's endpoint, such as <c>http://127.0.0.1:41234</c>.</summary>
    public Uri ServiceUrl { get; }

    /// <summary>What the server printed so far (stdout and stderr), for failure messages.</summary>
    public string Output => _process.Output;

    /// <summary>The folder with <c>package.json</c> and <c>server.js</c>, taken from the build (AssemblyMetadata).</summary>
    public static string HostDirectory =>
        typeof(KinesaliteHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "KinesaliteDirectory").Value!;

    /// <summary>Installs kinesalite if needed, starts it and returns once it listens.</summary>
    /// <param name="arguments">Options for <c>server.js</c>, such as <c>--shardLimit 100</c>.</param>
    public static async Task<KinesaliteHost> StartAsync(params string[] arguments)
    {
        var directory = HostDirectory;
        await EnsureInstalledAsync(directory);

        var process = ChildProcess.Start("node", ["server.js", .. arguments], new ChildProcessOptions { WorkingDirectory = directory, Name = "kinesalite" });
        try
        {
            var listening = ListeningLine().Match(await process.WaitForLineAsync(line => ListeningLine().IsMatch(line), StartTimeout, because: "its 'listening' line"));
            return new KinesaliteHost(process, new Uri($"http://{listening.Groups["host"].Value}:{listening.Groups["port"].Value}"));
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>Closes the server's stdin, which stops it; kills it only if it does not stop within 5 seconds.</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }

    private static async Task EnsureInstalledAsync(string directory)
    {
        var marker = Path.Combine(directory, "node_modules", "kinesalite", "package.json");
        if (File.Exists(marker)) return;

        // Several test processes may start at once; one installs while the others wait on the lock.
        using var installLock = await AcquireLockAsync(Path.Combine(directory, ".install.lock"));
        if (File.Exists(marker)) return;

        // --omit=optional skips leveldown (a native LevelDB binding); the server keeps data in memory.
        var npm = await ChildProcess.RunAsync(
            "npm", ["ci", "--omit=optional", "--no-audit", "--no-fund", "--no-update-notifier"], InstallTimeout, new ChildProcessOptions { WorkingDirectory = directory, CloseStandardInput = true });
        if (npm.ExitCode != 0 || !File.Exists(marker))
        {
            throw new InvalidOperationException($"npm ci in {directory} failed (exit code {npm.ExitCode}):{Environment.NewLine}{npm.Output}");
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
                await Task.Delay(200); // another test process holds the install lock: try again
            }
        }
    }

    [GeneratedRegex(@"^listening (?<host>127\.0\.0\.1):(?<port>\d+)$")]
    private static partial Regex ListeningLine();
}
