using System.Diagnostics;
using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// Broker outage on the embedded 3-broker cluster: all brokers down for seconds while records are produced, all down
/// while they are consumed, and one broker down with partition leadership moved to the others. Sends complete or fail
/// loudly (a <c>KafkaSendException</c>, counted and re-sent); nothing is lost and no record is applied twice.
/// CI: 3,000 records and 5 s outages; full: 30,000 records and 15 s outages.
/// </summary>
[Collection(ScenarioCollections.Kafka)]
public sealed class BrokerOutageTests(ITestOutputHelper output)
{
    private const int Partitions = 6;

    private static int Records => FaultScale.Number("OUTAGE_RECORDS", 3_000, 30_000);

    private static TimeSpan Outage => TimeSpan.FromSeconds(FaultScale.Number("OUTAGE_SECONDS", 5, 15));

    [Fact]
    public Task All_brokers_down_while_producing_loses_nothing_and_failed_sends_fail_loudly() =>
        FaultWhileSendingAsync(
            "Broker outage: all brokers down while producing",
            $"3 of 3 brokers down {Outage.TotalSeconds:F0} s",
            scenario => scenario.AllBrokersDownAsync(Outage),
            // Sends give up after 4 s, less than the outage: some must fail, and must say so.
            sendTimeoutMs: 4000,
            sender => Assert.True(sender.Failed > 0, "the outage outlasted message.timeout.ms, so some sends must have failed loudly"));

    [Fact]
    public async Task All_brokers_down_while_consuming_loses_nothing_and_applies_nothing_twice()
    {
        var stopwatch = Stopwatch.StartNew();
        await using var scenario = await EmbeddedScenario.StartAsync(Partitions, "sqlite");
        var producer = await scenario.ProducerAsync();
        var people = People.Many(Records);
        await producer.Sender.SendAsync(people);

        var consumer = await scenario.ConsumerAsync("consumer");
        await Eventually.TrueAsync(async () => await scenario.Database.PeopleCountAsync() >= Records / 10, Replica.Patience, "the consumer is applying");
        var appliedBefore = await scenario.Database.PeopleCountAsync();
        await scenario.AllBrokersDownAsync(Outage);
        var outcome = await scenario.Replica.CatchUpAndMeasureAsync([.. people.Select(p => p.Uuid)]);
        new FaultFigures(
            "Broker outage: all brokers down while consuming",
            Records,
            $"3 of 3 brokers down {Outage.TotalSeconds:F0} s at {appliedBefore:N0} applied",
            outcome.Lost,
            outcome.AppliedTwice,
            outcome.DeadLettered,
            stopwatch.Elapsed)
        { Notes = $"{consumer.Count(LogEvents.PartitionsRevoked)} revocations, {scenario.Count(LogEvents.CheckpointConflict)} fenced commits" }.Publish(output);
        Assert.Equal(0, producer.Sender.Failed);
        outcome.AssertExactlyOnce();
    }

    [Fact]
    public Task One_broker_down_with_leadership_moved_loses_nothing_and_applies_nothing_twice() =>
        FaultWhileSendingAsync(
            "Broker outage: one broker down, leadership moved",
            $"broker 1 of 3 down {Outage.TotalSeconds:F0} s, {Partitions} partition leaders moved",
            async scenario =>
            {
                // Broker 1 fails; the partitions it led fail over to brokers 2 and 3, as a controller would move them.
                scenario.Cluster.SetBrokerDown(1);
                for (var p = 0; p < Partitions; p++) scenario.Cluster.SetPartitionLeader(scenario.Topic, p, 2 + (p % 2));
                await Task.Delay(Outage); // the outage itself
                scenario.Cluster.SetBrokerUp(1);
            });

    /// <summary>
    /// Sends people while a consumer applies them, injects <paramref name="inject"/> once a fifth are delivered, and
    /// judges the run against what is on the log: a send that timed out may still have reached the log before the
    /// fault, so re-sending puts that person there twice, and applying it twice is then right. What must never happen
    /// is a person missing, or applied more often than it occurs on the log.
    /// </summary>
    private async Task FaultWhileSendingAsync(string name, string faults, Func<EmbeddedScenario, Task> inject, int sendTimeoutMs = 60_000, Action<PeopleSender>? check = null)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var scenario = await EmbeddedScenario.StartAsync(Partitions, "sqlite");
        await scenario.ConsumerAsync("consumer");
        var producer = await scenario.ProducerAsync(new Dictionary<string, string?> { ["LogPipe:Kafka:Producer:message.timeout.ms"] = $"{sendTimeoutMs}" });
        var sender = producer.Sender;
        var people = People.Many(Records);
        var sending = sender.SendAsync(people, inFlight: 100);
        await Eventually.TrueAsync(() => sender.Delivered >= Records / 5, Replica.Patience, "some records delivered before the fault");
        await inject(scenario);
        await sending.WaitAsync(TimeSpan.FromMinutes(3));

        var occurrences = TopicLog.PersonOccurrences(scenario.BootstrapServers, scenario.Topic, Partitions);
        var outcome = await scenario.Replica.CatchUpAndMeasureAsync([.. people.Select(p => p.Uuid)], occurrences);
        new FaultFigures(name, Records, faults, outcome.Lost, outcome.AppliedTwice, outcome.DeadLettered, stopwatch.Elapsed)
        {
            Notes = $"{sender.Failed} sends failed loudly ({Codes(sender)}) and were re-sent; {occurrences.Values.Sum(n => n - 1)} records on the log twice because of it",
        }.Publish(output);
        Assert.Equal(Records, sender.Delivered);
        check?.Invoke(sender);
        outcome.AssertExactlyOnce();
    }

    private static string Codes(PeopleSender sender) =>
        sender.FailureCodes.IsEmpty ? "none" : string.Join(", ", sender.FailureCodes.Select(c => $"{c.Key} {c.Value}"));
}
