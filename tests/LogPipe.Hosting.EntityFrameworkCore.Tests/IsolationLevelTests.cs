using System.Collections.Concurrent;
using System.Text;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests;

/// <summary>
/// <c>LogPipe:UnitOfWork:IsolationLevel</c> reaches the transaction a unit of work runs in, on PostgreSQL, where a
/// transaction begun without a level is READ COMMITTED: what a serializer's save sees is the server's own answer.
/// </summary>
public sealed class IsolationLevelTests
{
    private const string Home = """json:{"type":"place","version":1,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41","name":"Home"}}""";

    [Theory]
    [InlineData(null, "read committed")]
    [InlineData("Serializable", "serializable")]
    [InlineData("RepeatableRead", "repeatable read")]
    public async Task A_serializers_save_runs_at_the_configured_isolation_level_and_at_read_committed_by_default(string? level, string expected)
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using var services = Services(connectionString, level is null ? [] : new() { ["LogPipe:UnitOfWork:IsolationLevel"] = level });
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TestDb>().Database.EnsureCreatedAsync();
        }

        services.GetRequiredService<InMemoryBroker>().Append("places", null, Encoding.UTF8.GetBytes(Home));
        var runner = services.GetRequiredService<LogPipeConsumerRunner>();
        try
        {
            Assert.Equal(1, await runner.DrainAsync());
        }
        finally
        {
            await runner.DisposeAsync();
        }

        Assert.Equal([expected], services.GetRequiredService<IsolationSeen>().Levels);
    }

    [Fact]
    public async Task An_isolation_level_that_is_not_one_is_refused_at_startup_naming_the_key()
    {
        await using var services = Services("Host=127.0.0.1", new() { ["LogPipe:UnitOfWork:IsolationLevel"] = "Chaos" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<LogPipe.Hosting.LogPipeOptions>>().Value);

        Assert.Contains("LogPipe:UnitOfWork:IsolationLevel", error.Message, StringComparison.Ordinal);
        Assert.Contains("Serializable", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(string connectionString, Dictionary<string, string?> settings)
    {
        settings["LogPipe:ConsumerGroup"] = "isolation-tests";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton<IsolationSeen>();
        collection.AddDbContext<TestDb>(o => o.UseNpgsql(connectionString));
        collection.AddLogPipe(configuration.GetSection("LogPipe"), lp => lp
            .UseEntityFrameworkOffsets<TestDb>()
            .AddConsumer("places", c => c.Register<IsolationReportingSerializer>()));
        return collection.BuildServiceProvider();
    }

    /// <summary>The isolation levels the server reported inside saves.</summary>
    public sealed class IsolationSeen
    {
        private readonly ConcurrentQueue<string> _levels = new();

        public IReadOnlyList<string> Levels => [.. _levels];

        public void Add(string level) => _levels.Enqueue(level);
    }

    /// <summary>Asks the server, inside the unit's transaction, which isolation level it runs at.</summary>
    public sealed class IsolationReportingSerializer(TestDb db, IsolationSeen seen) : MessageSerializer<Place>
    {
        public override string MessageType => "place";

        public override int Version => 1;

        public override async Task SaveAsync(Place message, CancellationToken cancellationToken)
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "SHOW transaction_isolation";
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            seen.Add((string)(await command.ExecuteScalarAsync(cancellationToken))!);
        }
    }
}
