using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LogPipe.Hosting.Kafka.Embedded;
using LogPipe.Hosting.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LogPipe.Hosting.Testing.Tests;

/// <summary>
/// The integration-test recipe of docs/testing.md, run as written: the sample service on the real Kafka transport against
/// an EmbeddedKafkaCluster the test holds, with the client settings the docs give, through a broker outage.
/// </summary>
public sealed class EmbeddedKafkaRecipeTests
{
    [Fact]
    public async Task A_person_posted_while_the_embedded_broker_is_down_is_replicated_once_it_is_up_again()
    {
        await using var kafka = EmbeddedKafkaCluster.Start(new EmbeddedKafkaClusterOptions { BrokerCount = 1 });
        var topic = "people"; // the sample's topic name is fixed; the cluster is this test's own
        kafka.CreateTopic(topic, partitions: 3);
        using var database = TemporaryDatabase.Sqlite("logpipe-kafka-recipe");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sample"] = database.ConnectionString,
            ["LogPipe:Transport"] = "Kafka",
            ["LogPipe:ConsumerGroup"] = $"replica-{Guid.NewGuid():N}",
            ["LogPipe:Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["LogPipe:Kafka:Consumer:session.timeout.ms"] = "2000",
            ["LogPipe:Kafka:Consumer:heartbeat.interval.ms"] = "500",
            ["LogPipe:Kafka:Consumer:fetch.queue.backoff.ms"] = "10",
            ["LogPipe:Kafka:Common:reconnect.backoff.max.ms"] = "500",
        };
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in settings) b.UseSetting(key, value);
        });
        using var client = factory.CreateClient();
        await Eventually.TrueAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the service is ready on the embedded broker");

        kafka.SetBrokerDown(1);
        // The service has noticed the outage: its readiness reports the transport unreachable.
        await Eventually.TrueAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(60), "readiness reports the broker down");
        var created = await client.PostAsJsonAsync("/people", new { firstName = "Joe", lastName = "Schmoe", email = "joe@example.com" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var uuid = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("uuid").GetGuid();
        kafka.SetBrokerUp(1);

        await Eventually.TrueAsync(
            async () => (await client.GetAsync($"/replicas/{uuid}")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(90),
            "the person reaches the replica table through the outbox, the broker and the consumer");
    }
}
