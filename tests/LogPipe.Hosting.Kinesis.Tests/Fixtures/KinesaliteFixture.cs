using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.RegularExpressions;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kinesis.Tests.Fixtures;

/// <summary>
/// A kinesalite (in-memory Kinesis) server on 127.0.0.1 for the life of a test collection. On first
/// use it installs the pinned npm package into <c>tests/LogPipe.Hosting.Kinesis.Tests/kinesalite</c>
/// (so a clean clone works), then runs <c>server.js</c>, which listens on a free loopback port and
/// prints it. Tests share the server and keep apart by using fresh stream names.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xunit disposes fixtures through IAsyncLifetime.DisposeAsync.")]
public sealed partial class KinesaliteFixture : IAsyncLifetime
{
    /// <summary>The access key tests sign with; kinesalite accepts any well-formed signature.</summary>
    public const string AccessKey = "AKIDKINESALITETEST";

    /// <summary>The secret key tests sign with.</summary>
    public const string SecretKey = "kinesalite-test-secret-key";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    private readonly ConcurrentQueue<string> _serverOutput = new();
    private Process? _server;
    private KinesisClient? _admin;

    /// <summary>The server's endpoint, such as <c>http://127.0.0.1:41234</c>.</summary>
    public Uri ServiceUrl { get; private set; } = null!;

    /// <summary>A client for setting up streams (create, wait, delete) in tests.</summary>
    public IKinesisClient Admin => _admin ?? throw new InvalidOperationException("The fixture is not started.");

    /// <summary>The folder with package.json and server.js, taken from the build (AssemblyMetadata).</summary>
    public static string HostDirectory =>
        typeof(KinesaliteFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "KinesaliteDirectory").Value!;

    /// <summary>Options pointing at this server, with test credentials and quick retries.</summary>
    public KinesisClientOptions CreateOptions(Action<KinesisClientOptions>? configure = null)
    {
        var options = new KinesisClientOptions
        {
            Region = "us-east-1",
            ServiceUrl = ServiceUrl,
            AccessKey = AccessKey,
            SecretKey = SecretKey,
            MaxRetries = 3,
            BaseBackoff = TimeSpan.FromMilliseconds(5),
            MaxBackoff = TimeSpan.FromMilliseconds(50),
            // kinesalite answers AT_TIMESTAMP with no matching record never; fail such a test instead of hanging it.
            RequestTimeout = TimeSpan.FromSeconds(15),
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A client for this server; <paramref name="httpClient"/> lets a test put a fault injector in front.</summary>
    public KinesisClient CreateClient(
        HttpClient? httpClient = null,
        ILogger<KinesisClient>? logger = null,
        Action<KinesisClientOptions>? configure = null,
        TimeProvider? timeProvider = null) =>
        new(CreateOptions(configure), httpClient, logger, timeProvider);

    /// <summary>A stream name no other test uses.</summary>
    public static string UniqueStreamName(string purpose) => $"{purpose}-{Guid.NewGuid():N}";

    /// <summary>Creates a stream with a fresh name and waits until it is ACTIVE.</summary>
    public async Task<string> CreateStreamAsync(string purpose, int shardCount, CancellationToken cancellationToken = default)
    {
        var name = UniqueStreamName(purpose);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await Admin.CreateStreamAsync(new CreateStreamRequest { StreamName = name, ShardCount = shardCount }, timeout.Token);
        await Admin.WaitForStreamActiveAsync(name, TimeSpan.FromMilliseconds(20), timeout.Token);
        return name;
    }

    /// <summary>What the server printed so far (stdout and stderr), for failure messages.</summary>
    public string ServerOutput => string.Join(Environment.NewLine, _serverOutput);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var directory = HostDirectory;
        await EnsureInstalledAsync(directory);
        await StartAsync(directory);
        _admin = CreateClient();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        _admin?.Dispose();
        if (_server is null)
        {
            return;
        }

        try
        {
            // server.js stops when its stdin closes; kill only if it does not.
            _server.StandardInput.Close();
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _server.WaitForExitAsync(exited.Token);
        }
        catch (OperationCanceledException)
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }
        finally
        {
            _server.Dispose();
        }
    }

    private static async Task EnsureInstalledAsync(string directory)
    {
        var marker = Path.Combine(directory, "node_modules", "kinesalite", "package.json");
        if (File.Exists(marker))
        {
            return;
        }

        // Several test processes may start at once; one installs while the others wait on the lock.
        using var installLock = await AcquireLockAsync(Path.Combine(directory, ".install.lock"));
        if (File.Exists(marker))
        {
            return;
        }

        // --omit=optional skips leveldown (a native LevelDB binding); the server keeps data in memory.
        var (exitCode, output) = await RunAsync(
            "npm", ["ci", "--omit=optional", "--no-audit", "--no-fund", "--no-update-notifier"], directory, InstallTimeout);
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

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, string directory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private async Task StartAsync(string directory)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("server.js");

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        _server = new Process { StartInfo = start, EnableRaisingEvents = true };
        _server.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            _serverOutput.Enqueue(e.Data);
            var match = ListeningLine().Match(e.Data);
            if (match.Success)
            {
                listening.TrySetResult(new Uri($"http://{match.Groups["host"].Value}:{match.Groups["port"].Value}"));
            }
        };
        _server.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _serverOutput.Enqueue(e.Data);
            }
        };
        _server.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"kinesalite exited before listening:{Environment.NewLine}{ServerOutput}"));

        if (!_server.Start())
        {
            throw new InvalidOperationException("Could not start node.");
        }

        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        ServiceUrl = await listening.Task.WaitAsync(StartTimeout);
    }

    [GeneratedRegex(@"^listening (?<host>127\.0\.0\.1):(?<port>\d+)$")]
    private static partial Regex ListeningLine();
}
