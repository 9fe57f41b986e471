using System.Net;
using System.Net.Http.Json;
using LogPipe.Hosting.TestSupport;
using LogPipe.Sample.Data;
using LogPipe.Sample.Serializers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Testing.Tests;

/// <summary>
/// The harness added the way a user adds it to an ASP.NET Core service's tests: inside WithWebHostBuilder, after the
/// application's own AddLogPipe, with a transport in its configuration (here Kinesis; the sample's own tests use Kafka).
/// </summary>
public sealed class WebApplicationFactoryTests
{
    [Fact]
    public async Task Inside_a_web_application_factory_the_harness_replaces_a_configured_kinesis_transport_and_keeps_the_outbox_and_checkpoints()
    {
        using var database = TemporaryDatabase.Sqlite("logpipe-harness-web");
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:Sample", database.ConnectionString)
            .UseSetting("LogPipe:Transport", "Kinesis")
            .UseSetting("LogPipe:Kinesis:Region", "us-east-1")
            .UseSetting("Telemetry:Exporter", "none")
            .ConfigureServices(services => services.AddLogPipeTestHarness()));
        var harness = factory.Services.GetRequiredService<LogPipeTestHarness>();
        using var client = factory.CreateClient();

        var created = await client.PostAsJsonAsync("/people", new { firstName = "Joe", lastName = "Schmoe", email = "joe@example.com" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await harness.DrainAsync();

        var sent = Assert.Single(harness.Sent<PersonMessageV2>());
        Assert.Equal(("Joe", "Schmoe", "joe@example.com"), (sent.FirstName, sent.LastName, sent.Email));
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SampleDbContext>();
        var replica = await db.Replicas.AsNoTracking().SingleAsync(r => r.Uuid == sent.Uuid);
        Assert.Equal(("Schmoe", 2), (replica.LastName, replica.Version));
        Assert.Equal(1, (await db.Set<LogPipe.Hosting.EntityFrameworkCore.LogPipeCheckpoint>().AsNoTracking().SingleAsync()).NextOffset);
    }
}
