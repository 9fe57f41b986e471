using System.Text;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Tests.Hosting;

public sealed class HostedServiceTests
{
    [Fact]
    public async Task The_hosted_service_applies_what_producers_send_and_stops_cleanly_without_double_applying()
    {
        var db = TestApp.NewDatabasePath();
        var broker = new InMemory.InMemoryBroker();
        broker.CreateTopic("people", 3);
        var people = People.Many(300);
        await using (var app = TestApp.Create(
            lp => lp.AddProducer<Person, PersonSerializerV2>("people").AddConsumer("people", c => c.Register<PersonSerializerV1>().Register<PersonSerializerV2>()),
            new Dictionary<string, string?> { ["LogPipe:UnitOfWork:MaxRecords"] = "7" },
            db,
            broker))
        {
            await app.Host.StartAsync();
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var producer = scope.ServiceProvider.GetRequiredService<IProducer<Person>>();
                foreach (var chunk in people.Chunk(50)) await producer.SendBatchAsync(chunk);
            }

            // Stop part-way: whatever was applied is committed with its checkpoint, the rest is not.
            await Eventually.TrueAsync(async () => (await app.PeopleAsync()).Count >= 50, TimeSpan.FromSeconds(30));
            await app.Host.StopAsync();
        }

        // A second run picks up exactly where the first stopped.
        await using (var app = TestApp.Create(
            lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>().Register<PersonSerializerV2>()),
            databasePath: db,
            broker: broker))
        {
            await app.Host.StartAsync();
            await Eventually.TrueAsync(async () => (await app.PeopleAsync()).Count == 300, TimeSpan.FromSeconds(30));
            await app.Host.StopAsync();
            var stored = await app.PeopleAsync();
            Assert.Equal(people.Select(p => p.Uuid).Order(), stored.Select(p => p.Uuid).Order());
            Assert.All(stored, p => Assert.Equal(1, p.Applied));
            Assert.Equal(broker.EndOffsets("people"), (await app.CheckpointsAsync()).OrderBy(c => c.Partition).Select(c => c.NextOffset));
        }

        TestApp.DeleteDatabase(db);
    }
}
