using LogPipe.Hosting.FaultInjection.Worker;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// One in-process instance of the service under test (<see cref="ConsumerHost"/>), with every log entry captured
/// (librdkafka's debug lines included) and its serializers' saves counted.
/// </summary>
public sealed class ConsumerInstance : IAsyncDisposable
{
    private bool _stopped;

    private ConsumerInstance(IHost host, LogCapture logs, string name)
    {
        Host = host;
        Logs = logs;
        Name = name;
    }

    public IHost Host { get; }

    public LogCapture Logs { get; }

    public string Name { get; }

    public IServiceProvider Services => Host.Services;

    public Probe Probe => Services.GetRequiredService<Probe>();

    /// <summary>Sends people through this instance's producers.</summary>
    public PeopleSender Sender => new(Services);

    /// <summary>Builds and starts an instance on Kafka; <paramref name="settings"/> override <see cref="ConsumerHost.Defaults"/>.</summary>
    public static Task<ConsumerInstance> StartAsync(
        string name,
        string bootstrapServers,
        string topic,
        string group,
        WorkerDatabase database,
        IDictionary<string, string?>? settings = null,
        Probe? probe = null) =>
        BuildAndStartAsync(name, topic, database, ConsumerHost.Defaults(bootstrapServers, group), settings, probe);

    /// <summary>Starts a producer-only instance on Kafka (its consumer service is off).</summary>
    public static Task<ConsumerInstance> StartProducerAsync(string bootstrapServers, string topic, string group, WorkerDatabase database, IDictionary<string, string?>? settings = null) =>
        StartAsync("producer", bootstrapServers, topic, group, database, ProducerOnly(settings));

    /// <summary>
    /// Starts a producer-only instance on Kinesis at <paramref name="endpoint"/>; <paramref name="settings"/> override
    /// <see cref="ConsumerHost.KinesisDefaults"/>.
    /// </summary>
    public static Task<ConsumerInstance> StartKinesisProducerAsync(Uri endpoint, string stream, string group, WorkerDatabase database, IDictionary<string, string?>? settings = null) =>
        BuildAndStartAsync("producer", stream, database, ConsumerHost.KinesisDefaults(endpoint, group), ProducerOnly(settings), probe: null);

    private static Dictionary<string, string?> ProducerOnly(IDictionary<string, string?>? settings) =>
        new(settings ?? new Dictionary<string, string?>()) { ["LogPipe:EnableConsumers"] = "false" };

    private static async Task<ConsumerInstance> BuildAndStartAsync(
        string name,
        string topic,
        WorkerDatabase database,
        Dictionary<string, string?> defaults,
        IDictionary<string, string?>? settings,
        Probe? probe)
    {
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) defaults[key] = value;
        var logs = new LogCapture();
        var builder = ConsumerHost.CreateBuilder(topic, database, defaults, probe);
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        var instance = new ConsumerInstance(builder.Build(), logs, name);
        await instance.Host.StartAsync();
        return instance;
    }

    /// <summary>How many log entries with event id <paramref name="eventId"/> this instance wrote.</summary>
    public int Count(int eventId) => Logs.Entries.Count(e => e.EventId.Id == eventId);

    /// <summary>
    /// What this instance logged, for the test output: a count per event id, and the first message of each warning or
    /// worse (with its exception type), so a failed run shows what the consumer went through.
    /// </summary>
    public string Summary() => $"{Name}: " + string.Join("; ", Logs.Entries
        .Where(e => e.EventId.Id is > 0 and < 10_000 and not (LogEvents.Librdkafka or LogEvents.Applied)) // LogPipe's own events, without the per-record ones
        .GroupBy(e => e.EventId.Id)
        .OrderBy(g => g.Key)
        .Select(g => g.First() is { Level: >= LogLevel.Warning } first
            ? $"{g.Key}×{g.Count()} (first: {first.Message}{(first.Exception is { } ex ? $" [{ex.GetType().Name}: {ex.Message}]" : "")})"
            : $"{g.Key}×{g.Count()}"));

    /// <summary>Stops the host gracefully: the unit in progress finishes, the consumer leaves its group.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Host.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Host.Dispose();
    }
}
