using System.Text;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.ExecutionStrategy;

/// <summary>The operator's tools (moving a checkpoint, replaying dead letters) on PostgreSQL with <c>EnableRetryOnFailure()</c>.</summary>
public sealed class PostgresRetryOnFailureToolsTests : IAsyncLifetime
{
    private const string JoeV2 = """json:{"type":"person","version":2,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41","first_name":"Joe","last_name":"Schmoe","email":"joe@example.com"}}""";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly InMemory.InMemoryBroker _broker = new();
    private readonly List<TestApp> _apps = [];
    private string _connectionString = null!;

    public async Task InitializeAsync() => _connectionString = await PostgresServer.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
    }

    private TestApp App(bool withV2)
    {
        var app = TestApp.Create(
            lp => lp.AddConsumer("people", c =>
            {
                c.Register<PersonSerializerV1>();
                if (withV2) c.Register<PersonSerializerV2>();
            }),
            broker: _broker,
            postgres: _connectionString,
            npgsql: n => n.EnableRetryOnFailure(maxRetryCount: 3, maxRetryDelay: TimeSpan.FromMilliseconds(50), errorCodesToAdd: null));
        _apps.Add(app);
        return app;
    }

    [Fact]
    public async Task With_EnableRetryOnFailure_a_dead_letter_is_replayed_and_removed()
    {
        var before = App(withV2: false);
        _broker.Append("people", null, Encoding.UTF8.GetBytes(JoeV2));
        await Drained.WithinAsync(before, Bound);
        Assert.Equal(nameof(MessageErrorKind.UnknownVersion), Assert.Single(await before.DeadLettersAsync()).ErrorKind);

        var after = App(withV2: true);
        var result = await after.Services.GetRequiredService<DeadLetterStore<TestDb>>().ReplayAsync(new DeadLetterQuery()).WaitAsync(Bound);

        Assert.Equal(new DeadLetterReplayResult(1, 0), result);
        Assert.Equal(("joe@example.com", 1), Assert.Single(await after.PeopleAsync()) is var joe ? (joe.Email, joe.Applied) : default);
        Assert.Empty(await after.DeadLettersAsync());
    }

    [Fact]
    public async Task With_EnableRetryOnFailure_the_checkpoint_editor_moves_a_checkpoint_and_the_consumer_follows_it()
    {
        var app = App(withV2: false);
        for (var i = 0; i < 3; i++)
        {
            _broker.Append("people", null, Encoding.UTF8.GetBytes($$$"""json:{"type":"person","version":1,"message":{"uuid":"{{{Guid.NewGuid()}}}","first_name":"Joe","last_name":"Schmoe"}}"""));
        }

        await Drained.WithinAsync(app, Bound);
        var editor = app.Services.GetRequiredService<CheckpointEditor<TestDb>>();
        var stored = Assert.Single(await editor.ListAsync());

        var moved = await editor.SetAsync(new PartitionKey(stored.Transport, stored.Stream, stored.Partition), new Checkpoint(1, null), stored.Version);

        Assert.Equal((1L, stored.Version + 1), (moved.NextOffset, moved.Version));
        Assert.Equal((1L, stored.Version + 1), Assert.Single(await editor.ListAsync()) is var now ? (now.NextOffset, now.Version) : default);
    }
}
