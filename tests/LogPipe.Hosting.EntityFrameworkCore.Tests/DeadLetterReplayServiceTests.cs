using System.Text;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests;

/// <summary>
/// Replay requests: an operator marks dead letters (<c>logpipe dead-letters replay</c> sets ReplayRequestedAt) and the
/// running service, which alone has the serializers, replays them.
/// </summary>
public sealed class DeadLetterReplayServiceTests : IAsyncLifetime
{
    private const string JoeV2 = """json:{"type":"person","version":2,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41","first_name":"Joe","last_name":"Schmoe","email":"joe@example.com"}}""";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _db = TestApp.NewDatabasePath();
    private readonly InMemory.InMemoryBroker _broker = new();
    private readonly List<TestApp> _apps = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
        TestApp.DeleteDatabase(_db);
    }

    private TestApp App(bool withV2, IDictionary<string, string?>? settings = null, string group = "tests")
    {
        var all = new Dictionary<string, string?> { ["LogPipe:ConsumerGroup"] = group };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        var app = TestApp.Create(
            lp => lp.AddConsumer("people", c =>
            {
                c.Register<PersonSerializerV1>();
                if (withV2) c.Register<PersonSerializerV2>();
            }),
            all,
            databasePath: _db,
            broker: _broker);
        _apps.Add(app);
        return app;
    }

    /// <summary>A version-2 record dead-lettered by a service that only knows version 1.</summary>
    private async Task<long> DeadLetterAsync(string json = JoeV2, string group = "tests")
    {
        var before = App(withV2: false, group: group);
        _broker.Append("people", null, Encoding.UTF8.GetBytes(json));
        await before.Runner.DrainAsync();
        return (await before.DeadLettersAsync()).Last().Id;
    }

    private static async Task RequestReplayAsync(TestApp app, params long[] ids) =>
        await app.QueryAsync(db => db.Set<LogPipeDeadLetter>().Where(d => ids.Contains(d.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ReplayRequestedAt, DateTimeOffset.UtcNow)));

    private static DeadLetterReplayService<TestDb> ReplayService(TestApp app) =>
        Assert.Single(app.Services.GetServices<IHostedService>().OfType<DeadLetterReplayService<TestDb>>());

    [Fact]
    public async Task A_requested_replay_is_applied_by_the_running_service_and_the_dead_letter_disappears()
    {
        var id = await DeadLetterAsync();
        var after = App(withV2: true, new Dictionary<string, string?> { ["LogPipe:DeadLetters:ReplayPollMs"] = "20" });
        await after.Host.StartAsync();
        await RequestReplayAsync(after, id);

        await Eventually.TrueAsync(async () => (await after.DeadLettersAsync()).Count == 0, Patience, "the requested dead letter is replayed");
        await after.Host.StopAsync();
        var joe = Assert.Single(await after.PeopleAsync());
        Assert.Equal(("joe@example.com", 1), (joe.Email, joe.Applied));
    }

    [Fact]
    public async Task A_replay_that_fails_again_keeps_the_dead_letter_with_one_more_attempt_and_no_pending_request()
    {
        var id = await DeadLetterAsync();
        var still = App(withV2: false);
        await RequestReplayAsync(still, id);

        Assert.Equal(new DeadLetterReplayResult(0, 1), await ReplayService(still).ReplayRequestedAsync(CancellationToken.None));
        var dead = Assert.Single(await still.DeadLettersAsync());
        Assert.Equal((2, nameof(MessageErrorKind.UnknownVersion), (DateTimeOffset?)null), (dead.Attempts, dead.ErrorKind, dead.ReplayRequestedAt));
        Assert.Equal(new DeadLetterReplayResult(0, 0), await ReplayService(still).ReplayRequestedAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Only_requested_dead_letters_of_the_services_own_group_are_replayed()
    {
        var unrequested = await DeadLetterAsync();
        var requested = await DeadLetterAsync(JoeV2.Replace("de66ef2e", "11111111", StringComparison.Ordinal));
        var otherGroups = await DeadLetterAsync(JoeV2.Replace("de66ef2e", "22222222", StringComparison.Ordinal), group: "billing");
        var after = App(withV2: true);
        await RequestReplayAsync(after, requested, otherGroups);
        var before = await after.DeadLettersAsync();

        Assert.Equal(new DeadLetterReplayResult(1, 0), await ReplayService(after).ReplayRequestedAsync(CancellationToken.None));
        var left = await after.DeadLettersAsync();
        Assert.Equal(before.Select(d => d.Id).Where(id => id != requested), left.Select(d => d.Id));
        Assert.Contains(unrequested, left.Select(d => d.Id));
        Assert.NotNull(left.Single(d => d.Id == otherGroups).ReplayRequestedAt);
    }

    [Fact]
    public async Task Two_instances_never_replay_the_same_request_twice()
    {
        var ids = new List<long>();
        for (var i = 0; i < 20; i++) ids.Add(await DeadLetterAsync(JoeV2.Replace("de66ef2e", $"{i:D8}", StringComparison.Ordinal)));
        var first = App(withV2: true);
        var second = App(withV2: true);
        await RequestReplayAsync(first, [.. ids]);

        var results = await Task.WhenAll(
            ReplayService(first).ReplayRequestedAsync(CancellationToken.None),
            ReplayService(second).ReplayRequestedAsync(CancellationToken.None));
        Assert.Equal(20, results.Sum(r => r.Replayed));
        Assert.All(await first.PeopleAsync(), p => Assert.Equal(1, p.Applied));
        Assert.Empty(await first.DeadLettersAsync());
    }

    [Fact]
    public async Task The_switch_turns_the_replay_service_off()
    {
        var id = await DeadLetterAsync();
        var off = App(withV2: true, new Dictionary<string, string?>
        {
            ["LogPipe:DeadLetters:DisableReplayRequests"] = "true",
            ["LogPipe:DeadLetters:ReplayPollMs"] = "10",
        });
        await RequestReplayAsync(off, id);
        await off.Host.StartAsync();
        var service = ReplayService(off);
        await service.ExecuteTask!.WaitAsync(Patience);
        await off.Host.StopAsync();
        Assert.NotNull(Assert.Single(await off.DeadLettersAsync()).ReplayRequestedAt);
    }

    [Fact]
    public async Task A_poll_interval_that_is_not_positive_fails_at_startup_naming_the_key()
    {
        var app = App(withV2: true, new Dictionary<string, string?> { ["LogPipe:DeadLetters:ReplayPollMs"] = "0" });
        var error = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.Host.StartAsync());
        Assert.Contains("LogPipe:DeadLetters:ReplayPollMs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_replay_request_is_a_nullable_column_that_existing_rows_need_no_value_for()
    {
        using var db = new TestDb(new DbContextOptionsBuilder<TestDb>().UseSqlServer("Server=unused").Options);
        Assert.Contains("[ReplayRequestedAt] datetimeoffset NULL", db.Database.GenerateCreateScript(), StringComparison.Ordinal);
    }
}
