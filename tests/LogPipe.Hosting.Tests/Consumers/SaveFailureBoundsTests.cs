using System.Text;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Tests.Consumers;

/// <summary>
/// Every way a user's save can fail ends at the failure policy, within bounds: transient errors of one record, saves past
/// <c>Failures:SaveTimeoutMs</c>, saves that ignore their cancellation, serializers that cannot even be built.
/// </summary>
public sealed class SaveFailureBoundsTests : IAsyncLifetime
{
    private static readonly Guid Stuck = Guid.Parse("de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41");
    private static readonly Guid Fine = Guid.Parse("11111111-9a5c-4b21-8a5b-3d5c1c6e0e41");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _db = TestApp.NewDatabasePath();
    private readonly SaveScript _script = new();
    private TestApp _app = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        TestApp.DeleteDatabase(_db);
    }

    private TestApp App(Dictionary<string, string?> settings)
    {
        _app = TestApp.Create(
            lp =>
            {
                lp.Services.AddSingleton(_script);
                lp.AddConsumer("people", c => c.Register<ScriptedPersonSerializer>());
            },
            settings,
            _db);
        return _app;
    }

    private void Append(Guid uuid) =>
        _app.Broker.Append("people", null, Encoding.UTF8.GetBytes($$$"""json:{"type":"person","version":1,"message":{"uuid":"{{{uuid}}}","first_name":"Joe","last_name":"Schmoe"}}"""));

    private void FailFor(Guid uuid, Func<CancellationToken, Task> failure) => FailFor(uuid, (_, ct) => failure(ct));

    private void FailFor(Guid uuid, Func<TestDb, CancellationToken, Task> failure) =>
        _script.BeforeSave = (message, db, ct) => message.Uuid == uuid ? failure(db, ct) : Task.CompletedTask;

    [Fact]
    public async Task A_save_that_always_times_out_is_retried_a_bounded_number_of_times_then_dead_lettered()
    {
        App(new() { ["LogPipe:Failures:MaxAttempts"] = "3", ["LogPipe:Failures:MaxTransientRetries"] = "2" });
        FailFor(Stuck, _ => throw new TimeoutException("simulated statement timeout"));
        Append(Stuck);
        Append(Fine);

        Assert.Equal(2, await _app.Runner.DrainAsync().WaitAsync(Bound));
        var dead = Assert.Single(await _app.DeadLettersAsync());
        Assert.Equal((nameof(MessageErrorKind.SaveFailed), 3, 0L), (dead.ErrorKind, dead.Attempts, dead.Offset));
        Assert.Contains("TimeoutException: simulated statement timeout", dead.Error, StringComparison.Ordinal);
        Assert.Equal(Fine, Assert.Single(await _app.PeopleAsync()).Uuid);
        Assert.Equal(2, _app.Logs.Entries.Count(e => e.EventId.Id == LogEvents.SaveFailedTransientWillRetry));
        Assert.Equal(2, _app.Logs.Entries.Count(e => e.EventId.Id == LogEvents.SaveFailedWillRetry));
    }

    [Fact]
    public async Task Failures_of_the_database_itself_never_count_against_a_record()
    {
        App(new() { ["LogPipe:Failures:MaxAttempts"] = "1", ["LogPipe:Failures:MaxTransientRetries"] = "0" });
        _app.Probe.FailCommits = 8;
        Append(Fine);

        Assert.Equal(1, await _app.Runner.DrainAsync().WaitAsync(Bound));
        Assert.Empty(await _app.DeadLettersAsync());
        Assert.Equal(Fine, Assert.Single(await _app.PeopleAsync()).Uuid);
        Assert.Equal(0, _app.Probe.FailCommits);
    }

    [Fact]
    public async Task A_save_past_its_timeout_is_cancelled_and_counts_as_an_attempt()
    {
        App(new() { ["LogPipe:Failures:MaxAttempts"] = "2", ["LogPipe:Failures:SaveTimeoutMs"] = "50" });
        FailFor(Stuck, ct => Task.Delay(Timeout.Infinite, ct));
        Append(Stuck);
        Append(Fine);

        Assert.Equal(2, await _app.Runner.DrainAsync().WaitAsync(Bound));
        var dead = Assert.Single(await _app.DeadLettersAsync());
        Assert.Equal((nameof(MessageErrorKind.SaveFailed), 2), (dead.ErrorKind, dead.Attempts));
        Assert.Contains("SaveTimeoutException", dead.Error, StringComparison.Ordinal);
        Assert.Contains("LogPipe:Failures:SaveTimeout", dead.Error, StringComparison.Ordinal);
        Assert.Equal(Fine, Assert.Single(await _app.PeopleAsync()).Uuid);
    }

    [Fact]
    public async Task A_save_that_ignores_its_cancellation_is_abandoned_its_late_flush_never_commits_and_its_record_reaches_the_policy()
    {
        App(new() { ["LogPipe:Failures:MaxAttempts"] = "2", ["LogPipe:Failures:SaveTimeoutMs"] = "50" });

        // Ignores its token and returns long after the bound: its unit is rolled back only then, so the person it adds late
        // is never flushed outside the unit's transaction (it would be committed without its checkpoint, then applied again).
        FailFor(Stuck, _ => Task.Delay(400, CancellationToken.None));
        Append(Fine);
        Append(Stuck);
        Append(Guid.Parse("22222222-9a5c-4b21-8a5b-3d5c1c6e0e41"));

        Assert.Equal(3, await _app.Runner.DrainAsync().WaitAsync(Bound));
        var dead = Assert.Single(await _app.DeadLettersAsync());
        Assert.Equal((nameof(MessageErrorKind.SaveFailed), 2, 1L), (dead.ErrorKind, dead.Attempts, dead.Offset));
        Assert.Contains("ignored its cancellation", dead.Error, StringComparison.Ordinal);
        Assert.Equal([Fine, Guid.Parse("22222222-9a5c-4b21-8a5b-3d5c1c6e0e41")], (await _app.PeopleAsync()).Select(p => p.Uuid));
        Assert.Equal(2, _app.Logs.Entries.Count(e => e.EventId.Id == LogEvents.SaveAbandoned));
    }

    [Fact]
    public async Task An_OperationCanceledException_of_the_users_own_is_a_save_failure()
    {
        App(new() { ["LogPipe:Failures:MaxAttempts"] = "2" });
        FailFor(Stuck, _ => throw new OperationCanceledException("the user's own"));
        Append(Stuck);

        Assert.Equal(1, await _app.Runner.DrainAsync().WaitAsync(Bound));
        var dead = Assert.Single(await _app.DeadLettersAsync());
        Assert.Equal((nameof(MessageErrorKind.SaveFailed), 2), (dead.ErrorKind, dead.Attempts));
        Assert.Contains("the user's own", dead.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_serializer_whose_constructor_throws_reaches_the_failure_policy()
    {
        App(new() { ["LogPipe:Failures:MaxAttempts"] = "2" });
        _script.FailConstruction = new InvalidOperationException("no connection string");
        Append(Stuck);

        Assert.Equal(1, await _app.Runner.DrainAsync().WaitAsync(Bound));
        var dead = Assert.Single(await _app.DeadLettersAsync());
        Assert.Equal((nameof(MessageErrorKind.SaveFailed), 2), (dead.ErrorKind, dead.Attempts));
        Assert.Contains("no connection string", dead.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_converter_that_throws_while_decoding_makes_a_message_error_not_a_stopped_loop()
    {
        _app = TestApp.Create(lp => lp.AddConsumer("odd", c => c.Register<ThrowingConverterMessage.Serializer>()), databasePath: _db);
        _app.Broker.Append("odd", null, Encoding.UTF8.GetBytes("""json:{"type":"odd","version":1,"message":{"name":"x"}}"""));

        Assert.Equal(1, await _app.Runner.DrainAsync().WaitAsync(Bound));
        var dead = Assert.Single(await _app.DeadLettersAsync());
        Assert.Equal(nameof(MessageErrorKind.InvalidMessage), dead.ErrorKind);
        Assert.Contains("the converter's own bug", dead.Error, StringComparison.Ordinal);
    }
}
