using System.Data.Common;
using LogPipe.Hosting;
using LogPipe.Hosting.EntityFrameworkCore;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LogPipe.Cli.Configuration;

/// <summary>
/// The database holding LogPipe's tables, from <c>--provider</c>/<c>--connection-string</c> or <c>LogPipe:Admin</c>.
/// Every use goes through <see cref="RunAsync{T}"/>, which turns the database's failures into the tool's exit codes.
/// The connection string is never printed: it may hold a password.
/// </summary>
internal sealed class AdminDatabase
{
    private const string AdminSection = "LogPipe:Admin";

    private readonly string _connectionString;
    private readonly string? _schema;
    private bool _reachable;

    private AdminDatabase(DatabaseProvider provider, string connectionString, string? schema, string description)
    {
        Provider = provider;
        _connectionString = connectionString;
        _schema = schema;
        Description = description;
    }

    public DatabaseProvider Provider { get; }

    /// <summary>Where the database is (file, or host and database name), without credentials.</summary>
    public string Description { get; }

    /// <summary>Finds the database in the options or the configuration.</summary>
    /// <exception cref="CommandException">Nothing configured, an unknown provider or a malformed connection string (2); a missing SQLite file (3).</exception>
    public static AdminDatabase Resolve(ToolConfiguration configuration, string? providerOption, string? connectionStringOption, string? schemaOption)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var (providerText, providerSource) = providerOption is not null
            ? (providerOption, "--provider")
            : (configuration[$"{AdminSection}:Provider"], $"{AdminSection}:Provider");
        if (providerText is null)
        {
            throw CommandException.Usage(
                $"No database for LogPipe's tables: pass --provider and --connection-string, or set {AdminSection}:Provider and " +
                $"{AdminSection}:ConnectionString (or {AdminSection}:ConnectionStringName).");
        }

        var provider = ParseProvider(providerText)
            ?? throw CommandException.Usage($"Unknown database provider '{providerText}' ({providerSource}): use sqlite, postgres or sqlserver.");
        var (connectionString, source) = ConnectionString(configuration, connectionStringOption);
        var schema = schemaOption ?? configuration[$"{AdminSection}:Schema"];
        try
        {
            return provider switch
            {
                DatabaseProvider.Sqlite => Sqlite(connectionString, source, schema),
                DatabaseProvider.Postgres => Postgres(connectionString, schema),
                _ => SqlServer(connectionString, schema),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw CommandException.Usage(
                $"The connection string ({source}) is not a valid {Name(provider)} connection string: {ConnectionStringSecrets.Redact(ex.Message, connectionString)}");
        }
    }

    /// <summary>A context on this database; dispose it.</summary>
    public AdminDbContext CreateContext()
    {
        var options = new DbContextOptionsBuilder<AdminDbContext>();
        _ = Provider switch
        {
            DatabaseProvider.Sqlite => options.UseSqlite(_connectionString),
            DatabaseProvider.Postgres => options.UseNpgsql(_connectionString),
            _ => options.UseSqlServer(_connectionString),
        };
        return new AdminDbContext(options.Options, _schema);
    }

    /// <summary>The library's checkpoint editor over this database, so the tool moves checkpoints exactly as the library does.</summary>
    public CheckpointEditor<AdminDbContext> CheckpointEditor(string consumerGroup)
    {
        var services = new ServiceCollection()
            .AddScoped(_ => CreateContext())
            .BuildServiceProvider();
        return new CheckpointEditor<AdminDbContext>(
            services.GetRequiredService<IServiceScopeFactory>(),
            Options.Create(new LogPipeOptions { ConsumerGroup = consumerGroup }),
            TimeProvider.System);
    }

    /// <summary>Runs <paramref name="work"/> against the database, after checking once that it can be reached.</summary>
    /// <exception cref="CommandException">Unreachable (3), LogPipe's tables missing (2), or another database error (1).</exception>
    public async Task<T> RunAsync<T>(Func<AdminDbContext, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await EnsureReachableAsync(cancellationToken).ConfigureAwait(false);
        var db = CreateContext();
        await using (db.ConfigureAwait(false))
        {
            try
            {
                return await work(db).ConfigureAwait(false);
            }
            catch (Exception ex) when (DatabaseError(ex) is { } error)
            {
                var message = ConnectionStringSecrets.Redact(error.Message, _connectionString);
                var where = $"the {Name(Provider)} database {Description}{(_schema is null ? "" : $" (schema '{_schema}')")}";
                switch (Missing(error))
                {
                    case MissingObject.Table:
                        throw CommandException.Usage(
                            $"LogPipe's tables are not in {where}: {message} Is this the service's database, has it applied its migrations " +
                            "(with modelBuilder.ApplyLogPipeConfiguration), and is --schema right?");
                    case MissingObject.Column:
                        throw CommandException.Usage(
                            $"LogPipe's tables in {where} lack a column this tool uses: {message} The database is older than this version of " +
                            "LogPipe.Hosting: add and apply a migration in the service (for example for LogPipeDeadLetters.ReplayRequestedAt).");
                }

                throw new CommandException(ExitCodes.Failed, $"The {Name(Provider)} database {Description} failed: {message}", ex);
            }
        }
    }

    /// <summary>
    /// Like <see cref="RunAsync{T}"/>, for a table that databases of older LogPipe versions lack (such as the shard leases):
    /// <see langword="null"/> when a table <paramref name="work"/> reads is not there.
    /// </summary>
    public async Task<T?> RunIfTableExistsAsync<T>(Func<AdminDbContext, Task<T>> work, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(work);
        return await RunAsync<T?>(
            async db =>
            {
                try
                {
                    return await work(db).ConfigureAwait(false);
                }
                catch (Exception ex) when (DatabaseError(ex) is { } error && Missing(error) == MissingObject.Table)
                {
                    return null;
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    public static string Name(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => "sqlite",
        DatabaseProvider.Postgres => "postgres",
        _ => "sqlserver",
    };

    private async Task EnsureReachableAsync(CancellationToken cancellationToken)
    {
        if (_reachable) return;
        var db = CreateContext();
        await using (db.ConfigureAwait(false))
        {
            try
            {
                await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await db.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (DatabaseError(ex) is not null || ex is InvalidOperationException or TimeoutException)
            {
                throw CommandException.Unreachable(
                    $"Cannot reach the {Name(Provider)} database {Description}: {ConnectionStringSecrets.Redact((DatabaseError(ex) ?? ex).Message, _connectionString)}", ex);
            }
        }

        _reachable = true;
    }

    private static DbException? DatabaseError(Exception ex) => ex as DbException ?? ex.InnerException as DbException;

    private static MissingObject Missing(DbException error) => error switch
    {
        SqliteException { SqliteErrorCode: 1 } sqlite when sqlite.Message.Contains("no such table", StringComparison.Ordinal) => MissingObject.Table,
        SqliteException { SqliteErrorCode: 1 } sqlite when sqlite.Message.Contains("no such column", StringComparison.Ordinal) => MissingObject.Column,
        PostgresException { SqlState: PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName } => MissingObject.Table,
        PostgresException { SqlState: PostgresErrorCodes.UndefinedColumn } => MissingObject.Column,
        SqlException { Number: 208 } => MissingObject.Table,
        SqlException { Number: 207 } => MissingObject.Column,
        _ => MissingObject.None,
    };

    private static DatabaseProvider? ParseProvider(string text) => text.Trim().ToUpperInvariant() switch
    {
        "SQLITE" => DatabaseProvider.Sqlite,
        "POSTGRES" or "POSTGRESQL" or "NPGSQL" => DatabaseProvider.Postgres,
        "SQLSERVER" or "MSSQL" => DatabaseProvider.SqlServer,
        _ => null,
    };

    private static (string Value, string Source) ConnectionString(ToolConfiguration configuration, string? option)
    {
        if (option is not null) return (option, "--connection-string");
        if (configuration[$"{AdminSection}:ConnectionString"] is { } direct) return (direct, $"{AdminSection}:ConnectionString");
        if (configuration[$"{AdminSection}:ConnectionStringName"] is { } name)
        {
            return configuration[$"ConnectionStrings:{name}"] is { } named
                ? (named, $"ConnectionStrings:{name}")
                : throw CommandException.Usage($"{AdminSection}:ConnectionStringName is '{name}', but ConnectionStrings:{name} is not set.");
        }

        throw CommandException.Usage(
            $"No connection string for LogPipe's tables: pass --connection-string, or set {AdminSection}:ConnectionString or {AdminSection}:ConnectionStringName.");
    }

    private static AdminDatabase Sqlite(string connectionString, string source, string? schema)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            throw CommandException.Usage($"The connection string ({source}) names no SQLite database file.");
        }

        var path = Path.GetFullPath(builder.DataSource);
        if (!File.Exists(path)) throw CommandException.Unreachable($"The SQLite database file '{path}' ({source}) does not exist.");

        // The tool never creates a database: a mistyped path must fail, not leave an empty file behind.
        if (!new DbConnectionStringBuilder { ConnectionString = connectionString }.ContainsKey("Mode")) builder.Mode = SqliteOpenMode.ReadWrite;
        builder.DataSource = path;
        return new AdminDatabase(DatabaseProvider.Sqlite, builder.ConnectionString, schema, path);
    }

    private static AdminDatabase Postgres(string connectionString, string? schema)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new AdminDatabase(DatabaseProvider.Postgres, connectionString, schema, $"{builder.Host}:{builder.Port}/{builder.Database}");
    }

    private static AdminDatabase SqlServer(string connectionString, string? schema)
    {
        var builder = new SqlConnectionStringBuilder(connectionString);
        return new AdminDatabase(DatabaseProvider.SqlServer, connectionString, schema, $"{builder.DataSource}/{builder.InitialCatalog}");
    }

    private enum MissingObject
    {
        None,
        Table,
        Column,
    }
}
