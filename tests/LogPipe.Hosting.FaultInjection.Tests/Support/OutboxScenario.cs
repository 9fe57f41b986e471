using System.Globalization;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// An outbox scenario: the embedded 3-broker cluster with one topic (<see cref="EmbeddedScenario"/>, whose database is the
/// consumer's), the writing service's own database (<see cref="OutboxDatabase"/>), and a LogPipe consumer with EF Core
/// checkpoints replicating the topic for the whole run. Writers run as child processes (to be killed) or in this process
/// (to be timed).
/// </summary>
public sealed class OutboxScenario : IAsyncDisposable
{
    /// <summary>One transaction in this many is rolled back after its send (or never saved): its change must stay off the log.</summary>
    public const int RollbackEvery = 10;

    private OutboxScenario(EmbeddedScenario log, OutboxDatabase writer, ConsumerInstance consumer)
    {
        Log = log;
        Writer = writer;
        Consumer = consumer;
    }

    /// <summary>
    /// The writers' relay settings: a killed relay's lease expires within 2 s, so the next instance takes over without the
    /// scenario waiting for the default 30 s; other processes' commits are polled every 200 ms; after a failed send the relay
    /// tries again within a second (the tests' brokers come back within seconds).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> WriterSettings { get; } = new Dictionary<string, string?>
    {
        ["LogPipe:Outbox:LeaseDurationMs"] = "2000",
        ["LogPipe:Outbox:PollIntervalMs"] = "200",
        ["LogPipe:Outbox:InitialBackoffMs"] = "50",
        ["LogPipe:Outbox:MaxBackoffMs"] = "1000",
    };

    /// <summary>The cluster, the topic and the consumer's database.</summary>
    public EmbeddedScenario Log { get; }

    /// <summary>The writing service's database.</summary>
    public OutboxDatabase Writer { get; }

    /// <summary>The consumer replicating the topic.</summary>
    public ConsumerInstance Consumer { get; }

    /// <summary>Starts the cluster, creates both databases (<paramref name="people"/> people to change) and starts the consumer.</summary>
    public static async Task<OutboxScenario> StartAsync(string provider, int people, int partitions)
    {
        var log = await EmbeddedScenario.StartAsync(partitions, provider);
        try
        {
            var writer = await OutboxDatabase.CreateAsync(provider, people);
            return new OutboxScenario(log, writer, await log.ConsumerAsync("consumer"));
        }
        catch
        {
            await log.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a writer process that writes until <paramref name="changes"/> changes have committed, then only relays.</summary>
    public Task<ChildProcess> StartWriterAsync(int changes) =>
        WorkerProcess.StartWriterAsync(
            Log.BootstrapServers,
            Log.Topic,
            Writer.Database,
            "--changes", changes.ToString(CultureInfo.InvariantCulture),
            "--rollback-every", RollbackEvery.ToString(CultureInfo.InvariantCulture),
            "--set", string.Join(";", WriterSettings.Select(s => $"{s.Key}={s.Value}")));

    /// <summary>Starts the writing service in this process (not yet writing).</summary>
    public Task<WriterInstance> StartWriterInProcessAsync(Worker.Outbox.OutboxWriterSettings settings) =>
        WriterInstance.StartAsync(Log.BootstrapServers, Log.Topic, Writer, settings);

    /// <summary>Waits until <paramref name="changes"/> changes have committed and the outbox is empty.</summary>
    public async Task WaitForDrainedAsync(int changes, TimeSpan patience, Func<string> explain) =>
        await Eventually.TrueAsync(async () => await Writer.ChangeCountAsync() >= changes && await Writer.BacklogAsync() == 0, patience, explain);

    /// <summary>
    /// The last writer of a run: it commits the rest of <paramref name="changes"/>, relays everything, and stops with SIGTERM
    /// and exit code 0.
    /// </summary>
    public async Task FinishWritingAsync(int changes, TimeSpan patience)
    {
        using var last = await StartWriterAsync(changes);
        await WaitForDrainedAsync(changes, patience, () => "the last writer commits and relays everything: " + last.StandardError);
        var stop = await WorkerProcess.TerminateAsync(last, TimeSpan.FromSeconds(30));
        Assert.True(stop.ExitCode == 0, $"the last writer stopped with {stop.ExitCode}: {stop.LastLine}\n{stop.StandardError}");
    }

    /// <summary>Waits for the consumer to reach the end of the log, then judges the run from the writer's database, the log and the replica.</summary>
    public async Task<(OutboxVerdict Verdict, ReplicaOutcome Replica)> JudgeAsync(TimeSpan? patience = null)
    {
        var changes = await Writer.ChangesAsync();
        var perPerson = changes.GroupBy(c => c.Uuid).ToDictionary(g => g.Key, g => g.Count());
        var replica = await Log.Replica.CatchUpAndMeasureAsync(perPerson.Keys, perPerson, patience);
        var records = TopicLog.Records(Log.BootstrapServers, Log.Topic, Log.Partitions);
        return (OutboxVerdict.Judge(changes, records, await Log.Database.PeopleAsync()), replica);
    }

    public async ValueTask DisposeAsync()
    {
        await Log.DisposeAsync();
        Writer.Dispose();
    }
}
