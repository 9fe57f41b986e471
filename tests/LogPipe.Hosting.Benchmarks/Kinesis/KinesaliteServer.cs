using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using LogPipe.Hosting.Benchmarks.Apps;

namespace LogPipe.Hosting.Benchmarks.Kinesis;

/// <summary>
/// kinesalite (in-memory Kinesis, one Node process) on 127.0.0.1, started as the Kinesis tests' fixture starts it: the
/// tests' <c>kinesalite/server.js</c>, after <c>npm ci</c> if the package is not installed yet.
/// </summary>
public sealed partial class KinesaliteServer : IAsyncDisposable
{
    private readonly Process _process;

    private KinesaliteServer(Process process, Uri serviceUrl)
    {
        _process = process;
        ServiceUrl = serviceUrl;
    }

    /// <summary>The endpoint, such as <c>http://127.0.0.1:41234</c>.</summary>
    public Uri ServiceUrl { get; }

    /// <summary>The folder with the tests' package.json and server.js.</summary>
    public static string HostDirectory =>
        typeof(KinesaliteServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "KinesaliteDirectory").Value!;

    /// <summary>Installs kinesalite if needed and starts it.</summary>
    public static async Task<KinesaliteServer> StartAsync(CancellationToken cancellationToken)
    {
        var directory = HostDirectory;
        var marker = Path.Combine(directory, "node_modules", "kinesalite", "package.json");
        if (!File.Exists(marker))
        {
            // The Kinesis tests' fixture installs into the same folder under the same lock file; one installs, the other waits.
            using var installLock = await AcquireLockAsync(Path.Combine(directory, ".install.lock"), cancellationToken).ConfigureAwait(false);
            if (!File.Exists(marker))
            {
                using var install = Process.Start(new ProcessStartInfo("npm", ["ci", "--omit=optional", "--no-audit", "--no-fund", "--loglevel=error"]) { WorkingDirectory = directory })
                    ?? throw new InvalidOperationException("npm did not start.");
                await install.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                if (install.ExitCode != 0) throw new InvalidOperationException($"npm ci in {directory} failed with exit code {install.ExitCode}.");
            }
        }

        var (process, line) = await ChildProcess.StartAsync(new ProcessStartInfo("node", ["server.js"]) { WorkingDirectory = directory }, cancellationToken).ConfigureAwait(false);
        var match = line is null ? null : ListeningLine().Match(line);
        if (match is not { Success: true })
        {
            await ChildProcess.StopAsync(process).ConfigureAwait(false);
            throw new InvalidOperationException($"kinesalite did not say where it listens; it printed '{line}'.");
        }

        return new KinesaliteServer(process, new Uri($"http://{match.Groups["host"].Value}:{match.Groups["port"].Value}"));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(ChildProcess.StopAsync(_process));

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [GeneratedRegex(@"^listening (?<host>127\.0\.0\.1):(?<port>\d+)$")]
    private static partial Regex ListeningLine();
}
