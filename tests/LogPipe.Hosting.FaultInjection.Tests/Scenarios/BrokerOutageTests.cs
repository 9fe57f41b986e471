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
public sealed class BrokerOutageTests(ITestOutputHelper output)
{
    private const int Partitions = 6;

    private static int Records => FaultScale.Number("OUTAGE_RECORDS", 3_000, 30_000);

    private static TimeSpan Outage => TimeSpan.FromSeconds(FaultScale.Number("OUTAGE_SECONDS", 5, 15));

    [Fact]
    public async Task All_brokers_down_while_producing_loses_nothing_and_failed_sends_fail_loudly()
    {
        var stopwatch = Stopwatch.StartNew();
        await using var scenario = await EmbeddedScenario.StartAsync(Partitions, "sqlite");
        await scenario.ConsumerAsync("consumer");

        // Sends give up after 4 s, less than the outage: some must fail, and must say so.
        var producer = await scenario.ProducerAsync(new Dictionary<string, string?> { ["LogPipe:Kafka:Producer:message.timeout.ms"] = "4000" });
        var sender = producer.Sender;
        var people = People.Many(Records);
        var sending = sender.SendAsync(people, inFlight: 100);
        await Eventually.TrueAsync(() => sender.Delivered >= Records / 5, TimeSpan.FromSeconds(60), "some records delivered before the outage");
        await scenario.AllBrokersDownAsync(Outage);
        await sending.WaitAsync(TimeSpan.FromMinutes(3));

        // A send that timed out may still have reached the log before the brokers went down: re-sending it puts the
        // person there twice, and then applying it twice is right. What must never happen is more applies than records.
        var occurrences = TopicLog.PersonOccurrences(scenario.BootstrapServers, scenario.Topic, Partitions);
        var outcome = await scenario.Replica.CatchUpAndMeasureAsync([.. people.Select(p => p.Uuid)], occurrences);
        new FaultFigures(
            "Broker outage: all brokers down while producing",
            Records,
            $"3 of 3 brokers down {Outage.TotalSeconds:F0} s",
            outcome.Lost,
            outcome.AppliedTwice,
            outcome.DeadLettered,
            stopwatch.Elapsed)
        { Notes = $"{sender.Failed} sends failed loudly ({Codes(sender)}) and were re-sent; {occurrences.Values.Sum(n => n - 1)} records on the log twice because of it" }.Publish(output);
        Assert.Equal(Records, sender.Delivered);
        Assert.True(sender.Failed > 0, "the outage outlasted message.timeout.ms, so some sends must have failed loudly");
        outcome.AssertExactlyOnce();
    }

    [Fact]
    public async Task All_brokers_down_while_consuming_loses_nothing_and_applies_nothing_twice()
    {
        var stopwatch = Stopwatch.StartNew();
        await using var scenario = await EmbeddedScenario.StartAsync(Partitions, "sqlite");
        var producer = await scenario.ProducerAsync();
        var people = People.Many(Records);
        await producer.Sender.SendAsync(people);

        var consumer = await scenario.ConsumerAsync("consumer");
        await Eventually.TrueAsync(async () => await scenario.Database.PeopleCountAsync() >= Records / 10, TimeSpan.FromSeconds(60), "the consumer is applying");
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
        { Notes = $"{consumer.Count(2011)} revocations, {scenario.Count(1024)} fenced commits" }.Publish(output);
        Assert.Equal(0, producer.Sender.Failed);
        outcome.AssertExactlyOnce();
    }

    [Fact]
    public async Task One_broker_down_with_leadership_moved_loses_nothing_and_applies_nothing_twice()
    {
        var stopwatch = Stopwatch.StartNew();
        await using var scenario = await EmbeddedScenario.StartAsync(Partitions, "sqlite");
        await scenario.ConsumerAsync("consumer");
        var producer = await scenario.ProducerAsync();
        var sender = producer.Sender;
        var people = People.Many(Records);
        var sending = sender.SendAsync(people, inFlight: 50);
        await Eventually.TrueAsync(() => sender.Delivered >= Records / 5, TimeSpan.FromSeconds(60), "some records delivered before the failover");

        // Broker 1 fails; the partitions it led fail over to brokers 2 and 3, as a controller would move them.
        scenario.Cluster.SetBrokerDown(1);
        for (var p = 0; p < Partitions; p++) scenario.Cluster.SetPartitionLeader(scenario.Topic, p, 2 + (p % 2));
        await Task.Delay(Outage); // the outage itself
        scenario.Cluster.SetBrokerUp(1);
        await sending.WaitAsync(TimeSpan.FromMinutes(3));

        var occurrences = TopicLog.PersonOccurrences(scenario.BootstrapServers, scenario.Topic, Partitions);
        var outcome = await scenario.Replica.CatchUpAndMeasureAsync([.. people.Select(p => p.Uuid)], occurrences);
        new FaultFigures(
            "Broker outage: one broker down, leadership moved",
            Records,
            $"broker 1 of 3 down {Outage.TotalSeconds:F0} s, {Partitions} partition leaders moved",
            outcome.Lost,
            outcome.AppliedTwice,
            outcome.DeadLettered,
            stopwatch.Elapsed)
        { Notes = $"{sender.Failed} sends failed loudly ({Codes(sender)}) and were re-sent; {occurrences.Values.Sum(n => n - 1)} records on the log twice" }.Publish(output);
        Assert.Equal(Records, sender.Delivered);
        outcome.AssertExactlyOnce();
    }

    private static string Codes(PeopleSender sender) =>
        sender.FailureCodes.IsEmpty ? "none" : string.Join(", ", sender.FailureCodes.Select(c => $"{c.Key} {c.Value}"));
}
