using System.Diagnostics;
using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// Database outage: the test PostgreSQL server is stopped (immediate shutdown) mid-stream and started again seconds
/// later. The consumer abandons its unit, waits, and resumes without counting the failures against any record: nothing
/// lost, nothing applied twice, nothing dead-lettered. CI: 5,000 records and a 5 s outage; full: 50,000 and 20 s.
/// </summary>
[Collection(ScenarioCollections.Alone)]
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    private const int Partitions = 6;

    [Fact]
    public async Task PostgreSQL_stopped_mid_stream_makes_the_consumer_wait_and_resume_exactly_once()
    {
        var records = FaultScale.Number("DB_OUTAGE_RECORDS", 5_000, 50_000);
        var outage = TimeSpan.FromSeconds(FaultScale.Number("DB_OUTAGE_SECONDS", 5, 20));
        var outages = FaultScale.Number("DB_OUTAGES", 1, 3);
        var stopwatch = Stopwatch.StartNew();
        await using var scenario = await EmbeddedScenario.StartAsync(Partitions, "postgres");
        var consumer = await scenario.ConsumerAsync("consumer");
        var producer = await scenario.ProducerAsync();
        var people = People.Many(records);

        // Records keep arriving before, during and after the outage.
        var sending = Task.Run(async () =>
        {
            var batches = people.Chunk(records / (20 * outages)).ToList();
            for (var i = 0; i < batches.Count; i++)
            {
                await producer.Sender.SendAsync(batches[i], first: i * batches[0].Length);
                await Task.Delay(outage / 8); // pacing: the records keep arriving across the outages
            }
        });
        for (var k = 1; k <= outages; k++)
        {
            var progress = records * k / (outages + 3);
            await Eventually.TrueAsync(async () => await scenario.Database.PeopleCountAsync() >= progress, Replica.Patience, "the consumer is applying");
            var restart = await PostgresServer.StopAsync();
            try
            {
                await Task.Delay(outage); // the outage itself
            }
            finally
            {
                await restart();
            }
        }

        await sending.WaitAsync(TimeSpan.FromMinutes(3));
        var outcome = await scenario.Replica.CatchUpAndMeasureAsync([.. people.Select(p => p.Uuid)]);
        new FaultFigures(
            "Database outage (PostgreSQL stopped)",
            records,
            $"{outages} × server down {outage.TotalSeconds:F0} s mid-stream",
            outcome.Lost,
            outcome.AppliedTwice,
            outcome.DeadLettered,
            stopwatch.Elapsed)
        { Notes = $"{consumer.Count(LogEvents.UnitAbandoned)} units abandoned and retried, {consumer.Count(LogEvents.SaveFailedWillRetry)} save retries counted against a record" }.Publish(output);
        output.WriteLine(consumer.Summary());
        Assert.True(consumer.Count(LogEvents.UnitAbandoned) > 0, "the outage was noticed (units abandoned)");
        outcome.AssertExactlyOnce();
    }
}
