using System.Text;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.ExecutionStrategy;

/// <summary>A consumer on SQLite whose DbContext has a retrying execution strategy of the application's own.</summary>
public sealed class SqliteRetryingStrategyTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public Task InitializeAsync()
    {
        _app = TestApp.Create(
            lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>()),
            sqlite: s => s.ExecutionStrategy(d => new SqliteBusyRetryingStrategy(d)));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        TestApp.DeleteDatabase(_app.DatabasePath);
    }

    [Fact]
    public async Task With_a_custom_retrying_strategy_on_sqlite_a_consumer_applies_its_records_and_checkpoints_them()
    {
        for (var i = 0; i < 3; i++)
        {
            _app.Broker.Append("people", null, Encoding.UTF8.GetBytes($$$"""json:{"type":"person","version":1,"message":{"uuid":"{{{Guid.NewGuid()}}}","first_name":"Joe","last_name":"Schmoe"}}"""));
        }

        await Drained.WithinAsync(_app, TimeSpan.FromSeconds(30));

        Assert.Equal(3, (await _app.PeopleAsync()).Count);
        Assert.Equal(3, Assert.Single(await _app.CheckpointsAsync()).NextOffset);
    }
}
