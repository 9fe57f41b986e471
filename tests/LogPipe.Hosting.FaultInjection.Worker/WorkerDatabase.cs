using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.FaultInjection.Worker;

/// <summary>Where a consumer keeps its people, checkpoints and dead letters: a SQLite file or a PostgreSQL database.</summary>
/// <param name="Provider"><c>sqlite</c> or <c>postgres</c>.</param>
/// <param name="ConnectionString">The provider's connection string.</param>
public sealed record WorkerDatabase(string Provider, string ConnectionString)
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public void Configure(DbContextOptionsBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (Provider)
        {
            case Sqlite:
                options.UseSqlite(ConnectionString);
                break;
            case Postgres:
                options.UseNpgsql(ConnectionString);
                break;
            default:
                throw new ArgumentException($"Unknown database provider '{Provider}'; use {Sqlite} or {Postgres}.");
        }
    }
}
