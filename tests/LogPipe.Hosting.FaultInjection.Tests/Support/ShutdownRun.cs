using System.Diagnostics;
using System.Globalization;
using LogPipe.Hosting.FaultInjection.Worker;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// One run of the shutdown scenarios: the development broker, the database, the people already on the topic, and the
/// workers' arguments.
/// </summary>
public sealed class ShutdownRun : IAsyncDisposable
{
    private const int Partitions = 8;
    private readonly DevBroker _broker;
    private readonly ConsumerInstance _producer;
    private readonly List<Person> _people;

    private ShutdownRun(DevBroker broker, ScenarioDatabase database, ConsumerInstance producer, List<Person> people, string topic, string group)
    {
        _broker = broker;
        Database = database;
        _producer = producer;
        _people = people;
        Topic = topic;
        Group = group;
    }

    /// <summary>The worker's shutdown timeout here: shorter than the host's default 30 s, so a stop that hangs shows quickly.</summary>
    public static TimeSpan ShutdownTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the test waits for a stopping worker: past its timeout, to measure how long a hung stop really takes.</summary>
    public static TimeSpan StopPatience { get; } = ShutdownTimeout + TimeSpan.FromSeconds(20);

    public ScenarioDatabase Database { get; }

    public string Topic { get; }

    public string Group { get; }

    public static async Task<ShutdownRun> StartAsync(string provider, int records)
    {
        var topic = $"people-{Guid.NewGuid():N}";
        var group = $"shutdown-{Guid.NewGuid():N}";
        var broker = await DevBroker.StartAsync(topic, Partitions);
        var database = await ScenarioDatabase.CreateAsync(provider);
        await database.EnsureCreatedAsync();
        var producer = await ConsumerInstance.StartProducerAsync(broker.BootstrapServers, topic, group, database.Database);
        var people = People.Many(records);
        await producer.Sender.SendAsync(people);
        return new ShutdownRun(broker, database, producer, people, topic, group);
    }

    public Task<ChildProcess> StartWorkerAsync(params string[] options) =>
        WorkerProcess.StartAsync(_broker.BootstrapServers, Topic, Group, Database.Database, ["--shutdown-timeout-ms", $"{ShutdownTimeout.TotalMilliseconds:F0}", .. options]);

    /// <summary>Waits until the worker committed its first unit.</summary>
    public async Task WaitUntilApplyingAsync(ChildProcess worker)
    {
        var before = await Database.PeopleCountAsync();
        await Eventually.TrueAsync(async () => worker.HasExited || await Database.PeopleCountAsync() > before, TimeSpan.FromSeconds(60), "the worker applies records");
        Assert.False(worker.HasExited, "the worker exited by itself: " + worker.StandardError);
    }

    /// <summary>A last worker runs to the log end and is stopped; then nothing may be lost or applied twice.</summary>
    public async Task FinishAndJudgeAsync(string scenario, string faults, string notes, Stopwatch stopwatch, ITestOutputHelper output)
    {
        using var last = await StartWorkerAsync();
        var replica = new Replica(Database, _broker.BootstrapServers, Topic, Partitions, Group);
        var outcome = await replica.CatchUpAndMeasureAsync([.. _people.Select(p => p.Uuid)], patience: TimeSpan.FromMinutes(FaultScale.IsFull ? 5 : 2));
        var stop = await WorkerProcess.TerminateAsync(last, StopPatience);
        new FaultFigures(scenario, _people.Count, faults, outcome.Lost, outcome.AppliedTwice, outcome.DeadLettered, stopwatch.Elapsed) { Notes = notes }.Publish(output);
        outcome.AssertExactlyOnce();
        stop.AssertCleanWithin(ShutdownTimeout);
    }

    /// <summary>The range of <paramref name="times"/>, for the figures.</summary>
    public static string Describe(List<TimeSpan> times) =>
        times.Count == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"{times.Min().TotalMilliseconds:F0}–{times.Max().TotalMilliseconds:F0} ms");

    public async ValueTask DisposeAsync()
    {
        await _producer.DisposeAsync();
        Database.Dispose();
        _broker.Dispose();
    }
}
