using System.Text;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.ExecutionStrategy;

/// <summary>
/// A consumer on PostgreSQL with <c>EnableRetryOnFailure()</c>, the retrying execution strategy that refuses transactions
/// begun outside it: units of work apply, and a connection lost in the middle of a unit or in the answer to its COMMIT
/// neither loses a record nor applies one twice.
/// </summary>
public sealed class PostgresRetryOnFailureTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly SaveScript _script = new();
    private string _connectionString = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await PostgresServer.CreateDatabaseAsync();
        _app = TestApp.Create(
            lp =>
            {
                lp.Services.AddSingleton(_script);
                lp.AddConsumer("people", c => c.Register<ScriptedPersonSerializer>());
            },
            postgres: _connectionString,
            npgsql: n => n.EnableRetryOnFailure(maxRetryCount: 3, maxRetryDelay: TimeSpan.FromMilliseconds(50), errorCodesToAdd: null));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private List<Guid> Append(int count)
    {
        var people = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();
        foreach (var uuid in people)
        {
            _app.Broker.Append("people", null, Encoding.UTF8.GetBytes($$$"""json:{"type":"person","version":1,"message":{"uuid":"{{{uuid}}}","first_name":"Joe","last_name":"Schmoe"}}"""));
        }

        return people;
    }

    private async Task AssertEachAppliedOnceAsync(List<Guid> people)
    {
        var stored = await _app.PeopleAsync();
        Assert.Equal(people.Order(), stored.Select(p => p.Uuid).Order());
        Assert.All(stored, p => Assert.Equal(1, p.Applied));
        Assert.Equal(people.Count, Assert.Single(await _app.CheckpointsAsync()).NextOffset);
        Assert.Empty(await _app.DeadLettersAsync());
    }

    [Fact]
    public async Task With_EnableRetryOnFailure_a_consumer_applies_its_records_and_checkpoints_them()
    {
        var people = Append(5);

        await Drained.WithinAsync(_app, Bound);

        await AssertEachAppliedOnceAsync(people);
    }

    [Fact]
    public async Task With_EnableRetryOnFailure_the_service_loop_commits_units_in_the_background_while_it_reads_the_next()
    {
        // RunAsync, the hosted service's loop, commits each unit after leaving the strategy's callback, while another
        // thread reads the next unit (the overlapped commit): that commit runs in the unit's strategy context too.
        using var stop = new CancellationTokenSource();
        var running = _app.Runner.RunAsync(stop.Token);
        var people = Append(40);

        await Eventually.TrueAsync(
            async () => (await _app.CheckpointsAsync()).SingleOrDefault()?.NextOffset == people.Count,
            Bound,
            () => "the loop did not commit every record; last warning: " + _app.Logs.Entries.LastOrDefault(e => e.Level >= LogLevel.Warning)?.Exception?.Message);
        await stop.CancelAsync();
        await running;

        await AssertEachAppliedOnceAsync(people);
    }

    [Fact]
    public async Task A_connection_killed_in_the_middle_of_a_unit_loses_no_record_and_applies_none_twice()
    {
        var people = Append(6);
        var victim = people[3];
        var pid = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _script.BeforeSave = async (message, db, ct) =>
        {
            if (message.Uuid != victim || pid.Task.IsCompleted) return;

            // The unit's own connection, with three records already in its transaction: tell the test, then wait for the kill.
            pid.SetResult(await db.Database.SqlQueryRaw<int>("SELECT pg_backend_pid() AS \"Value\"").SingleAsync(ct));
            await release.Task.WaitAsync(ct);
        };

        var drain = _app.Runner.DrainAsync();
        var backend = await pid.Task.WaitAsync(Bound);
        await using (var admin = new NpgsqlConnection(_connectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand($"SELECT pg_terminate_backend({backend})", admin);
            Assert.Equal(true, await kill.ExecuteScalarAsync());
        }

        release.SetResult();
        await drain.WaitAsync(Bound);

        Assert.True(_script.TriesOf(victim) >= 2, "the unit with the killed connection was not applied again");
        Assert.Contains(_app.Logs.Entries, e => e.EventId.Id == LogEvents.UnitAbandoned);
        await AssertEachAppliedOnceAsync(people);
    }

    [Fact]
    public async Task A_commit_that_landed_but_whose_answer_was_lost_is_not_applied_a_second_time()
    {
        // A first unit stores the checkpoint, so the one whose answer is lost moves it by an update conditional on its version.
        var people = Append(2);
        await Drained.WithinAsync(_app, Bound);
        people.AddRange(Append(4));
        _app.Probe.LoseCommitAnswers = 1;

        await Drained.WithinAsync(_app, Bound);

        Assert.Equal(0, _app.Probe.LoseCommitAnswers);
        await AssertEachAppliedOnceAsync(people);

        // The runner applied the unit again, and its checkpoint write, conditional on the version before the lost commit,
        // was fenced: that second application rolled back.
        Assert.Contains(_app.Logs.Entries, e => e.EventId.Id == LogEvents.CheckpointConflict);
    }
}
