using System.Text;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests;

public sealed class OperatorToolsTests : IAsyncLifetime
{
    private const string JoeV2 = """json:{"type":"person","version":2,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41","first_name":"Joe","last_name":"Schmoe","email":"joe@example.com"}}""";
    private readonly string _db = TestApp.NewDatabasePath();
    private readonly InMemory.InMemoryBroker _broker = new();
    private readonly List<TestApp> _apps = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
        TestApp.DeleteDatabase(_db);
    }

    private TestApp App(bool withV2)
    {
        var app = TestApp.Create(
            lp => lp.AddConsumer("people", c =>
            {
                c.Register<PersonSerializerV1>();
                if (withV2) c.Register<PersonSerializerV2>();
            }),
            databasePath: _db,
            broker: _broker);
        _apps.Add(app);
        return app;
    }

    [Fact]
    public async Task A_dead_letter_of_an_unknown_version_is_applied_by_replay_after_the_version_is_registered()
    {
        var before = App(withV2: false);
        _broker.Append("people", null, Encoding.UTF8.GetBytes(JoeV2));
        await before.Runner.DrainAsync();
        var letters = before.Services.GetRequiredService<DeadLetterStore<TestDb>>();
        var dead = Assert.Single(await letters.ListAsync(new DeadLetterQuery()));
        Assert.Equal(nameof(MessageErrorKind.UnknownVersion), dead.ErrorKind);

        var after = App(withV2: true);
        var result = await after.Services.GetRequiredService<DeadLetterStore<TestDb>>().ReplayAsync(new DeadLetterQuery { ErrorKind = nameof(MessageErrorKind.UnknownVersion) });
        Assert.Equal(new DeadLetterReplayResult(1, 0), result);
        var joe = Assert.Single(await after.PeopleAsync());
        Assert.Equal(("joe@example.com", 1), (joe.Email, joe.Applied));
        Assert.Empty(await after.DeadLettersAsync());
    }

    [Fact]
    public async Task A_replay_that_fails_again_keeps_the_dead_letter_with_the_new_error_and_one_more_attempt()
    {
        var app = App(withV2: false);
        _broker.Append("people", null, Encoding.UTF8.GetBytes(JoeV2));
        await app.Runner.DrainAsync();
        var letters = app.Services.GetRequiredService<DeadLetterStore<TestDb>>();
        Assert.Equal(new DeadLetterReplayResult(0, 1), await letters.ReplayAsync(new DeadLetterQuery()));
        var dead = Assert.Single(await letters.ListAsync(new DeadLetterQuery()));
        Assert.Equal((2, nameof(MessageErrorKind.UnknownVersion)), (dead.Attempts, dead.ErrorKind));
        Assert.Empty(await app.PeopleAsync());
    }

    [Fact]
    public async Task Purge_deletes_only_what_matches()
    {
        var app = App(withV2: false);
        _broker.Append("people", null, Encoding.UTF8.GetBytes(JoeV2));
        _broker.Append("people", null, Encoding.UTF8.GetBytes("pickle:x"));
        _broker.Append("people", null, Encoding.UTF8.GetBytes("garbage"));
        await app.Runner.DrainAsync();
        var letters = app.Services.GetRequiredService<DeadLetterStore<TestDb>>();
        Assert.Equal(3, await letters.CountAsync(new DeadLetterQuery()));
        Assert.Equal(1, await letters.PurgeAsync(new DeadLetterQuery { ErrorKind = nameof(MessageErrorKind.UnknownFormat) }));
        Assert.Equal(2, await letters.CountAsync(new DeadLetterQuery()));
        Assert.Equal(0, await letters.CountAsync(new DeadLetterQuery { ConsumerGroup = "another-group" }));
    }

    [Fact]
    public async Task Moving_a_checkpoint_back_makes_the_running_consumer_apply_again_from_there()
    {
        var app = App(withV2: true);
        for (var i = 0; i < 5; i++) _broker.Append("people", null, Encoding.UTF8.GetBytes(JoeV2.Replace("de66ef2e", $"0000000{i}", StringComparison.Ordinal)));
        Assert.Equal(5, await app.Runner.DrainAsync());
        var editor = app.Services.GetRequiredService<CheckpointEditor<TestDb>>();
        var partition = new PartitionKey("memory", "people", "0");
        var stored = await editor.SetAsync(partition, new Checkpoint(3));
        Assert.Equal((3L, 2L), (stored.NextOffset, stored.Version));

        // The consumer's next write is fenced; it rewinds to offset 3 and applies the last two records again.
        _broker.Append("people", null, Encoding.UTF8.GetBytes(JoeV2));
        await app.Runner.DrainAsync();
        await app.Runner.DrainAsync();
        var people = (await app.PeopleAsync()).OrderBy(p => p.Uuid.ToString()).ToList();
        Assert.Equal([1, 1, 1, 2, 2, 1], people.Select(p => p.Applied));
        Assert.Equal(6, Assert.Single(await editor.ListAsync()).NextOffset);
    }
}
