using System.Diagnostics;
using System.Globalization;
using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.FaultInjection.Worker;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// Shutdown: the consumer worker process is stopped with SIGTERM — as a service manager or Kubernetes stops a service —
/// in the middle of a unit of work (saves slowed down so that units last seconds), and while PostgreSQL is down (a
/// worker that was applying, and one that started during the outage and is waiting to read its checkpoints). Each stop
/// must be clean — exit code 0, every hosted service's loop finished — within the host's shutdown timeout, and a restart
/// must apply everything exactly once. CI: 3 stops over 5,000 records, 1 outage; full: 10 stops over 30,000, 3 outages.
/// </summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    private const int Partitions = 8;

    /// <summary>The worker's shutdown timeout here: shorter than the host's default 30 s, so a stop that hangs shows quickly.</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long the test waits for a stopping worker: past its timeout, to measure how long a hung stop really takes.</summary>
    private static readonly TimeSpan StopPatience = ShutdownTimeout + TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(WorkerDatabase.Sqlite)]
    [InlineData(WorkerDatabase.Postgres)]
    public async Task A_consumer_stopped_with_SIGTERM_in_the_middle_of_a_unit_exits_cleanly_and_a_restart_applies_every_record_exactly_once(string provider)
    {
        var stops = FaultScale.Number("SIGTERM_STOPS", 3, 10);
        var records = FaultScale.Number("SIGTERM_RECORDS", 5_000, 30_000);
        var random = new Random(FaultScale.Seed);
        var stopwatch = Stopwatch.StartNew();
        await using var run = await Run.StartAsync(provider, records);

        // 5 ms a save: a unit of 500 records takes 2.5 s, so a SIGTERM 0.2–2 s after a commit lands inside the next unit.
        var stopTimes = new List<TimeSpan>();
        for (var i = 0; i < stops; i++)
        {
            using var worker = await run.StartWorkerAsync("--save-delay-ms", "5");
            await run.WaitUntilApplyingAsync(worker);
            await Task.Delay(random.Next(200, 2000));
            var stop = await WorkerProcess.TerminateAsync(worker, StopPatience);
            output.WriteLine($"SIGTERM {i + 1}: stopped in {stop.Elapsed.TotalMilliseconds:F0} ms, exit code {stop.ExitCode}, {await run.Database.PeopleCountAsync()} people stored");
            stop.AssertCleanWithin(ShutdownTimeout);
            stopTimes.Add(stop.Elapsed);
        }

        await run.FinishAndJudgeAsync(
            $"SIGTERM in a unit ({provider})",
            $"{stops} × SIGTERM inside a unit of work (5 ms a save, 500 records a unit)",
            $"stop times {Describe(stopTimes)} (shutdown timeout {ShutdownTimeout.TotalSeconds:F0} s), every exit code 0",
            stopwatch,
            output);
    }

    [Fact]
    public async Task A_consumer_stopped_with_SIGTERM_while_PostgreSQL_is_down_exits_cleanly_within_the_shutdown_timeout_and_a_restart_applies_every_record_exactly_once()
    {
        var outages = FaultScale.Number("SIGTERM_OUTAGES", 1, 3);
        var records = FaultScale.Number("SIGTERM_OUTAGE_RECORDS", 3_000, 30_000);
        var stopwatch = Stopwatch.StartNew();
        await using var run = await Run.StartAsync(WorkerDatabase.Postgres, records);

        var stopTimes = new List<TimeSpan>();
        for (var k = 0; k < outages; k++)
        {
            using var worker = await run.StartWorkerAsync("--save-delay-ms", "2");
            await run.WaitUntilApplyingAsync(worker);

            // The worker was applying when the server went away: it abandons its unit (LogEvents.UnitAbandoned) and waits to retry.
            var stop = await WhilePostgresIsDownAsync(() => TerminateOnceLoggedAsync(worker, LogEvents.UnitAbandoned, "the worker noticed the outage (UnitAbandoned)"));
            output.WriteLine($"outage {k + 1}: stopped in {stop.Elapsed.TotalMilliseconds:F0} ms, exit code {stop.ExitCode}");
            stop.AssertCleanWithin(ShutdownTimeout);
            stopTimes.Add(stop.Elapsed);
        }

        await run.FinishAndJudgeAsync(
            "SIGTERM while PostgreSQL is down",
            $"{outages} × server down, SIGTERM to the worker retrying its unit",
            $"stop times {Describe(stopTimes)} (shutdown timeout {ShutdownTimeout.TotalSeconds:F0} s), every exit code 0",
            stopwatch,
            output);
    }

    /// <summary>
    /// A worker that starts while PostgreSQL is down has its partitions assigned and waits, inside the Kafka assignment
    /// callback, for their checkpoints (<see cref="LogEvents.CheckpointReadFailed"/>). That wait observes the stopping token: a SIGTERM ends it, the callback
    /// leaves without assigning the partitions from any position, and the worker exits cleanly, well within its shutdown
    /// timeout. A restart applies every record exactly once.
    /// </summary>
    [Fact]
    public async Task A_consumer_waiting_for_its_checkpoints_during_a_PostgreSQL_outage_exits_cleanly_well_within_the_shutdown_timeout_after_SIGTERM_and_a_restart_applies_every_record_exactly_once()
    {
        var outages = FaultScale.Number("SIGTERM_OUTAGES", 1, 3);
        var records = FaultScale.Number("SIGTERM_OUTAGE_RECORDS", 3_000, 30_000);
        var stopwatch = Stopwatch.StartNew();
        await using var run = await Run.StartAsync(WorkerDatabase.Postgres, records);

        var stopTimes = new List<TimeSpan>();
        for (var k = 0; k < outages; k++)
        {
            using (var applying = await run.StartWorkerAsync("--save-delay-ms", "2"))
            {
                await run.WaitUntilApplyingAsync(applying);
                Assert.Equal(0, (await WorkerProcess.TerminateAsync(applying, StopPatience)).ExitCode);
            }

            var stop = await WhilePostgresIsDownAsync(async () =>
            {
                using var starting = await run.StartWorkerAsync();
                return await TerminateOnceLoggedAsync(starting, LogEvents.CheckpointReadFailed, "the new worker is waiting for its checkpoints (CheckpointReadFailed)");
            });
            output.WriteLine($"outage {k + 1}: stopped in {stop.Elapsed.TotalMilliseconds:F0} ms, exit code {stop.ExitCode}, '{stop.LastLine}'");

            // Half the timeout: a stop that merely beats the host's deadline would still mean the wait ignored the signal.
            stop.AssertCleanWithin(ShutdownTimeout / 2);
            stopTimes.Add(stop.Elapsed);
        }

        await run.FinishAndJudgeAsync(
            "SIGTERM while waiting for checkpoints, PostgreSQL down",
            $"{outages} × server down, SIGTERM to a worker started during the outage",
            $"stop times {Describe(stopTimes)} (shutdown timeout {ShutdownTimeout.TotalSeconds:F0} s), every exit code 0",
            stopwatch,
            output);
    }

    /// <summary>Stops PostgreSQL, runs <paramref name="during"/> while it is down, and starts it again.</summary>
    private static async Task<T> WhilePostgresIsDownAsync<T>(Func<Task<T>> during)
    {
        var restart = await PostgresServer.StopAsync();
        try
        {
            return await during();
        }
        finally
        {
            await restart();
        }
    }

    /// <summary>Sends SIGTERM once <paramref name="worker"/> has logged event <paramref name="eventId"/>; how it stopped.</summary>
    private static async Task<WorkerStop> TerminateOnceLoggedAsync(ChildProcess worker, int eventId, string because)
    {
        await Eventually.TrueAsync(() => worker.StandardError.Contains($"[{eventId}]", StringComparison.Ordinal), TimeSpan.FromSeconds(30), because);
        return await WorkerProcess.TerminateAsync(worker, StopPatience);
    }

    private static string Describe(List<TimeSpan> times) =>
        times.Count == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"{times.Min().TotalMilliseconds:F0}–{times.Max().TotalMilliseconds:F0} ms");

    /// <summary>One run: the development broker, the database, the people already on the topic, and the workers' arguments.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly DevBroker _broker;
        private readonly ConsumerInstance _producer;
        private readonly List<Person> _people;

        private Run(DevBroker broker, ScenarioDatabase database, ConsumerInstance producer, List<Person> people, string topic, string group)
        {
            _broker = broker;
            Database = database;
            _producer = producer;
            _people = people;
            Topic = topic;
            Group = group;
        }

        public ScenarioDatabase Database { get; }

        public string Topic { get; }

        public string Group { get; }

        public static async Task<Run> StartAsync(string provider, int records)
        {
            var topic = $"people-{Guid.NewGuid():N}";
            var group = $"shutdown-{Guid.NewGuid():N}";
            var broker = await DevBroker.StartAsync(topic, Partitions);
            var database = await ScenarioDatabase.CreateAsync(provider);
            await database.EnsureCreatedAsync();
            var producer = await ConsumerInstance.StartProducerAsync(broker.BootstrapServers, topic, group, database.Database);
            var people = People.Many(records);
            await producer.Sender.SendAsync(people);
            return new Run(broker, database, producer, people, topic, group);
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

        public async ValueTask DisposeAsync()
        {
            await _producer.DisposeAsync();
            Database.Dispose();
            _broker.Dispose();
        }
    }
}
