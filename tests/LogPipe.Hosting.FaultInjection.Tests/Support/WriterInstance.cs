using LogPipe.Hosting.FaultInjection.Worker.Outbox;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// The writing service in the test process (<see cref="WriterHost"/>, its relay running) with its business transactions
/// (<see cref="OutboxWriter"/>) and every log entry captured: for scenarios that time the writers' commits.
/// </summary>
public sealed class WriterInstance : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _writing = Task.CompletedTask;

    private WriterInstance(IHost host, LogCapture logs, OutboxWriter writer)
    {
        Host = host;
        Logs = logs;
        Writer = writer;
    }

    public IHost Host { get; }

    public LogCapture Logs { get; }

    public OutboxWriter Writer { get; }

    /// <summary>Builds and starts the host on <paramref name="database"/>; <see cref="StartWriting"/> starts the transactions.</summary>
    public static async Task<WriterInstance> StartAsync(string bootstrapServers, string topic, OutboxDatabase database, OutboxWriterSettings writer, IDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var defaults = WriterHost.Defaults(bootstrapServers, "writer");
        foreach (var (key, value) in OutboxScenario.WriterSettings) defaults[key] = value;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) defaults[key] = value;
        var logs = new LogCapture();
        var builder = WriterHost.CreateBuilder(topic, database.Database, defaults);
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        var host = builder.Build();
        await host.StartAsync();
        return new WriterInstance(host, logs, new OutboxWriter(host.Services, writer));
    }

    /// <summary>Starts the business transactions.</summary>
    public void StartWriting() => _writing = Writer.RunAsync(_stop.Token);

    /// <summary>Stops the business transactions (the relay keeps running) and rethrows what made a transaction fail.</summary>
    public async Task StopWritingAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _writing;
        }
        catch (OperationCanceledException)
        {
            // the transactions in flight rolled back
        }
    }

    /// <summary>How many log entries with event id <paramref name="eventId"/> this instance wrote.</summary>
    public int Count(int eventId) => Logs.Entries.Count(e => e.EventId.Id == eventId);

    public async ValueTask DisposeAsync()
    {
        await StopWritingAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Host.StopAsync(timeout.Token);
        Host.Dispose();
        _stop.Dispose();
    }
}
