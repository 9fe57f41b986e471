using System.Text;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests;

/// <summary>
/// A save past <c>Failures:SaveTimeoutMs</c> on PostgreSQL: the statement is cancelled on the server and the unit's
/// savepoint for that record rolls back, so the records around it commit.
/// </summary>
public sealed class PostgresSaveTimeoutTests : IAsyncLifetime
{
    private static readonly Guid Stuck = Guid.Parse("de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41");
    private static readonly Guid Fine = Guid.Parse("11111111-9a5c-4b21-8a5b-3d5c1c6e0e41");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly SaveScript _script = new();
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = TestApp.Create(
            lp =>
            {
                lp.Services.AddSingleton(_script);
                lp.AddConsumer("people", c => c.Register<ScriptedPersonSerializer>());
            },
            new Dictionary<string, string?> { ["LogPipe:Failures:MaxAttempts"] = "2", ["LogPipe:Failures:SaveTimeoutMs"] = "300" },
            postgres: await PostgresServer.CreateDatabaseAsync());
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private void Append(Guid uuid) =>
        _app.Broker.Append("people", null, Encoding.UTF8.GetBytes($$$"""json:{"type":"person","version":1,"message":{"uuid":"{{{uuid}}}","first_name":"Joe","last_name":"Schmoe"}}"""));

    [Fact]
    public async Task On_postgres_a_statement_past_the_save_timeout_is_cancelled_its_savepoint_rolls_back_and_the_unit_goes_on()
    {
        _script.BeforeSave = (message, db, ct) => message.Uuid == Stuck ? db.Database.ExecuteSqlRawAsync("SELECT pg_sleep(30)", ct) : Task.CompletedTask;
        var later = Guid.Parse("22222222-9a5c-4b21-8a5b-3d5c1c6e0e41");
        Append(Fine);
        Append(Stuck);
        Append(later);

        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(3, await _app.Runner.DrainAsync().WaitAsync(Bound));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"took {started.Elapsed}: the server-side sleep was not cancelled");
        var dead = Assert.Single(await _app.DeadLettersAsync());
        Assert.Equal((nameof(MessageErrorKind.SaveFailed), 2, 1L), (dead.ErrorKind, dead.Attempts, dead.Offset));
        Assert.Contains("SaveTimeoutException", dead.Error, StringComparison.Ordinal);
        Assert.Equal([Fine, later], (await _app.PeopleAsync()).Select(p => p.Uuid));
        Assert.Equal(3, Assert.Single(await _app.CheckpointsAsync()).NextOffset);
    }
}
