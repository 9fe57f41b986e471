using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LogPipe.Hosting;
using LogPipe.Hosting.TestSupport;
using LogPipe.Sample.Data;
using LogPipe.Sample.Serializers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Sample.Tests;

/// <summary>
/// The sample tested the way its users test their services: through WebApplicationFactory with the LogPipe test harness,
/// on the sample's own configuration (Kafka, the outbox, checkpoints in its database) and a SQLite file of the test's.
/// </summary>
public sealed class ControllerHarnessTests : IAsyncLifetime
{
    private readonly TemporaryDatabase _database = TemporaryDatabase.Sqlite("logpipe-sample-harness");
    private WebApplicationFactory<Program> _factory = null!;

    private LogPipeTestHarness Harness => _factory.Services.GetRequiredService<LogPipeTestHarness>();

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:Sample", _database.ConnectionString)
            .ConfigureServices(services => services.AddLogPipeTestHarness()));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task Posting_a_person_sends_a_person_v2_record_with_its_fields_once_the_outbox_is_relayed()
    {
        using var client = _factory.CreateClient();

        var created = await client.PostAsJsonAsync("/people", new { firstName = "Joe", lastName = "Schmoe", email = "joe@example.com" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var uuid = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("uuid").GetGuid();
        await Harness.DrainAsync();

        var record = Assert.Single(Harness.SentTo(SampleServices.PeopleTopic));
        Assert.Equal(("person", 2, "logpipe-sample", uuid.ToString()), (record.MessageType, record.Version, record.Producer, record.Key));
        Assert.Equal(new PersonMessageV2(uuid, "Joe", "Schmoe", "joe@example.com"), Assert.Single(Harness.Sent<PersonMessageV2>()));
        Assert.Empty(Harness.Sent<PersonMessageV1>());
    }

    [Fact]
    public async Task A_person_v1_record_encoded_by_django_is_applied_to_the_replica_table()
    {
        var uuid = Guid.Parse("0b6f1d2e-3c4a-4b5d-8e6f-7a8b9c0d1e2f");
        Harness.Inject(SampleServices.PeopleTopic, "person", 1, $$"""{"uuid":"{{uuid}}","first_name":"Ann","last_name":"Lee"}""", producerId: "django-people", key: uuid.ToString());

        Assert.Equal(1, await Harness.DrainAsync());

        Assert.Empty(Harness.SkippedRecords);
        await using var scope = _factory.Services.CreateAsyncScope();
        var replica = await scope.ServiceProvider.GetRequiredService<SampleDbContext>().Replicas.AsNoTracking().SingleAsync(r => r.Uuid == uuid);
        Assert.Equal(("Ann", "Lee", 1, 1), (replica.FirstName, replica.LastName, replica.Version, replica.AppliedCount));
        using var client = _factory.CreateClient();
        Assert.Equal("Lee", (await client.GetFromJsonAsync<JsonElement>($"/replicas/{uuid}")).GetProperty("lastName").GetString());
    }
}
