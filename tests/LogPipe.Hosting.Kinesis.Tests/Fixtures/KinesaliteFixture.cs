using System.Diagnostics.CodeAnalysis;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kinesis.Tests.Fixtures;

/// <summary>
/// A kinesalite (in-memory Kinesis) server on 127.0.0.1 for the life of a test collection, started by
/// <see cref="KinesaliteHost"/> (which installs the pinned npm package on first use, so a clean clone works). Tests share
/// the server and keep apart by using fresh stream names.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xunit disposes fixtures through IAsyncLifetime.DisposeAsync.")]
public sealed class KinesaliteFixture : IAsyncLifetime
{
    /// <summary>The access key tests sign with; kinesalite accepts any well-formed signature.</summary>
    public const string AccessKey = KinesisTestSettings.AccessKey;

    /// <summary>The secret key tests sign with.</summary>
    public const string SecretKey = KinesisTestSettings.SecretKey;

    private KinesaliteHost? _server;
    private KinesisClient? _admin;

    /// <summary>The server's endpoint, such as <c>http://127.0.0.1:41234</c>.</summary>
    public Uri ServiceUrl => _server?.ServiceUrl ?? throw new InvalidOperationException("The fixture is not started.");

    /// <summary>A client for setting up streams (create, wait, delete) in tests.</summary>
    internal IKinesisClient Admin => _admin ?? throw new InvalidOperationException("The fixture is not started.");

    /// <summary>What the server printed so far (stdout and stderr), for failure messages.</summary>
    public string ServerOutput => _server?.Output ?? "";

    /// <summary>Options pointing at this server, with test credentials and quick retries.</summary>
    internal KinesisClientOptions CreateOptions(Action<KinesisClientOptions>? configure = null)
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
    internal KinesisClient CreateClient(
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

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _server = await KinesaliteHost.StartAsync();
        _admin = CreateClient();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        _admin?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
    }
}
