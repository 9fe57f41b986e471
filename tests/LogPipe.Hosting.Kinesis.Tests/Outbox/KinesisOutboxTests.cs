using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.Kinesis.Tests.Transport;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Kinesis.Tests.Outbox;

/// <summary>The outbox relaying to Kinesis (kinesalite): committed changes are put and applied; rolled-back ones are not.</summary>
[Collection(SharedKinesalite.Name)]
public sealed class KinesisOutboxTests(KinesaliteFixture kinesalite) : KinesisAppTests(kinesalite)
{
    [Fact]
    public async Task Committed_changes_reach_Kinesis_through_the_outbox_and_are_applied_while_rolled_back_ones_are_not()
    {
        var stream = await Kinesalite.CreateStreamAsync("outbox", shardCount: 2);
        var writer = await AppAsync(stream, ProducerOnly(new Dictionary<string, string?> { ["LogPipe:Outbox:PollIntervalMs"] = "100" }), outbox: true);
        var committed = People.Many(30);
        await using (var scope = writer.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>();
            await using (var rolledBack = await db.Database.BeginTransactionAsync())
            {
                var ghost = new Person { Uuid = Guid.NewGuid(), FirstName = "Never", LastName = "committed" };
                db.People.Add(ghost);
                await outbox.SendAsync(ghost);
                await db.SaveChangesAsync();
                await rolledBack.RollbackAsync();
            }

            db.ChangeTracker.Clear();
            db.People.AddRange(committed);
            await outbox.SendBatchAsync(committed);
            await db.SaveChangesAsync();
        }

        await Eventually.TrueAsync(
            () => writer.QueryAsync(db => db.Set<LogPipeOutboxEntry>().AnyAsync()).ContinueWith(t => !t.Result, TaskScheduler.Default),
            TimeSpan.FromSeconds(60),
            "the outbox relayed everything");

        // Kinesis has no record headers: the records carry no outbox identity, and a consumer applies them at least once.
        var consumer = await AppAsync(stream);
        await consumer.WaitAppliedAsync(committed);
        Assert.Equal(30, await consumer.AppliedAsync());
        Assert.Empty(await consumer.DeadLettersAsync());
    }
}
