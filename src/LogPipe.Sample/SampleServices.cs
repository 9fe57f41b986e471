using LogPipe.Sample.Data;
using LogPipe.Sample.Serializers;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LogPipe.Sample;

/// <summary>The sample's wiring, shared by the API and the demo.</summary>
public static class SampleServices
{
    /// <summary>The topic people are published to.</summary>
    public const string PeopleTopic = "people";

    /// <summary>
    /// Statements per command when EF Core saves tracked changes on PostgreSQL. Npgsql's provider sends a unit's 500
    /// INSERTs as one command by default; in commands of 100 the consumer's per-message path ran without gen 2 garbage
    /// collections (23–30 per 100,000 records before) and with about a tenth less CPU per record (see docs/performance.md).
    /// </summary>
    public const int PostgresMaxBatchSize = 100;

    /// <summary>
    /// Statements Npgsql prepares on each PostgreSQL connection (<c>Max Auto Prepare</c>) when the connection string does
    /// not say: a statement sent five times is parsed and planned once by the server rather than every time. The consumer
    /// sends the same few statements for every unit (the replicas' upsert or INSERTs, the prefetch, the checkpoint
    /// write); prepared, the set-wise and the per-message saves ran at about twice the rate (see docs/performance.md).
    /// </summary>
    public const int PostgresMaxAutoPrepare = 64;

    /// <summary>
    /// <paramref name="connectionString"/> with <c>Max Auto Prepare</c> set to <see cref="PostgresMaxAutoPrepare"/>, unless
    /// it sets that key itself (<c>Max Auto Prepare=0</c> turns preparing off).
    /// </summary>
    /// <param name="connectionString">The PostgreSQL connection string.</param>
    public static string PostgresConnectionString(string connectionString)
    {
        // The keys as written (Npgsql's builder reports every key it knows as present).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare")) return connectionString;
        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = PostgresMaxAutoPrepare }.ConnectionString;
    }

    /// <summary>Adds the database (provider from <c>Database:Provider</c>) and LogPipe.</summary>
    public static IServiceCollection AddSample(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration["Database:Provider"] ?? "Sqlite";
        var connectionString = configuration.GetConnectionString("Sample") ?? "Data Source=logpipe-sample.db";
        // Pooled: LogPipe's consumer works in a DI scope of its own per unit of work, and a pooled context skips building
        // EF Core's options and services for each (half of a no-op unit's own time; see docs/performance.md).
        services.AddDbContextPool<SampleDbContext>(o => _ = provider switch
        {
            "Sqlite" => o.UseSqlite(connectionString),
            "Postgres" => o.UseNpgsql(PostgresConnectionString(connectionString), npgsql => npgsql.MaxBatchSize(PostgresMaxBatchSize)),
            "SqlServer" => o.UseSqlServer(connectionString),
            _ => throw new InvalidOperationException($"Database:Provider '{provider}' is not supported; use Sqlite, Postgres or SqlServer."),
        });

        // The ten lines a service needs: transport and store, the outbox its changes go through, what it sends, what it
        // consumes.
        services.AddLogPipe(configuration.GetSection("LogPipe"), logpipe => logpipe
            .UseKafka()                                  // LogPipe:Transport picks one: Kafka (default here) or Kinesis
            .UseKinesis()
            .UseEntityFrameworkOffsets<SampleDbContext>()
            .UseEntityFrameworkOutbox<SampleDbContext>() // IOutboxProducer<Person>: sent if and only if the change commits
            .AddProducer<Person, PersonSerializerV2>(PeopleTopic)
            .AddProducer<Person, PersonSerializerV1>(PeopleTopic, name: "v1")
            .AddConsumer(PeopleTopic, c => c
                .Register<PersonSerializerV1>()
                .Register<PersonSerializerV2>()
                .Ignore("place")));
        return services;
    }
}
