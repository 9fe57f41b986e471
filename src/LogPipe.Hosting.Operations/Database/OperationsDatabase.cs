using System.Data.Common;
using LogPipe.Hosting.EntityFrameworkCore;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// The database holding LogPipe's tables: the service's own DbContext (inside the service), or one the operator names by
/// provider and connection string (<c>LogPipe:Admin</c>, the CLI). Every use goes through <see cref="RunAsync{T}"/>, which
/// turns the database's failures into <see cref="OperationException"/>s. The connection string is never shown: it may
/// hold a password.
/// </summary>
internal sealed class OperationsDatabase
{
    private const string AdminSection = "LogPipe:Admin";

    private readonly IServiceScopeFactory _scopes;
    private readonly Func<IServiceProvider, DbContext> _context;
    private readonly Func<string, TimeProvider, CheckpointRows> _checkpoints;
    private readonly string? _connectionString;
    private readonly string? _schema;
    private bool _reachable;

    private OperationsDatabase(
        IServiceScopeFactory scopes,
        Func<IServiceProvider, DbContext> context,
        Func<string, TimeProvider, CheckpointRows> checkpoints,
        DatabaseProvider provider,
        string? connectionString,
        string? schema,
        string description)
    {
        _scopes = scopes;
        _context = context;
        _checkpoints = checkpoints;
        Provider = provider;
        _connectionString = connectionString;
        _schema = schema;
        Description = description;
    }

    public DatabaseProvider Provider { get; }

    /// <summary>Where the database is (file, or host and database name), without credentials.</summary>
    public string Description { get; }

    /// <summary>The service's own database: <typeparamref name="TDbContext"/>, resolved in a scope of <paramref name="scopes"/> per use.</summary>
    public static OperationsDatabase ForService<TDbContext>(IServiceScopeFactory scopes)
        where TDbContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(scopes);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var provider = db.Database.ProviderName switch
        {
            { } name when name.Contains("Sqlite", StringComparison.OrdinalIgnoreCase) => DatabaseProvider.Sqlite,
            { } name when name.Contains("Npgsql", StringComparison.OrdinalIgnoreCase) => DatabaseProvider.Postgres,
            _ => DatabaseProvider.SqlServer,
        };
        var connection = db.Database.GetDbConnection();
        var description = string.IsNullOrEmpty(connection.Database) || provider == DatabaseProvider.Sqlite
            ? connection.DataSource
            : $"{connection.DataSource}/{connection.Database}";
        return new OperationsDatabase(
            scopes,
            services => services.GetRequiredService<TDbContext>(),
            (group, time) => new EditorCheckpointRows<TDbContext>(scopes, group, time),
            provider,
            db.Database.GetConnectionString(),
            schema: null,
            description);
    }

    /// <summary>Finds the database in the options or the configuration.</summary>
    /// <exception cref="OperationException">Nothing configured, an unknown provider or a malformed connection string (InvalidRequest); a missing SQLite file (Unreachable).</exception>
    public static OperationsDatabase Resolve(IConfiguration configuration, string? providerOption, string? connectionStringOption, string? schemaOption)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var (providerText, providerSource) = providerOption is not null
            ? (providerOption, "--provider")
            : (configuration.Setting($"{AdminSection}:Provider"), $"{AdminSection}:Provider");
        if (providerText is null)
        {
            throw OperationException.Invalid(
                $"No database for LogPipe's tables: pass --provider and --connection-string, or set {AdminSection}:Provider and " +
                $"{AdminSection}:ConnectionString (or {AdminSection}:ConnectionStringName).");
        }

        var provider = ParseProvider(providerText)
            ?? throw OperationException.Invalid($"Unknown database provider '{providerText}' ({providerSource}): use sqlite, postgres or sqlserver.");
        var (connectionString, source) = ConnectionString(configuration, connectionStringOption);
        var schema = schemaOption ?? configuration.Setting($"{AdminSection}:Schema");
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
            throw OperationException.Invalid(
                $"The connection string ({source}) is not a valid {Name(provider)} connection string: {ConnectionStringSecrets.Redact(ex.Message, connectionString)}");
        }
    }

    /// <summary>The library's checkpoint editor over this database, so checkpoints move exactly as the library moves them.</summary>
    /// <param name="consumerGroup">The consumer group.</param>
    /// <param name="time">The clock of the checkpoints' update times (the system clock when not given).</param>
    public CheckpointRows Checkpoints(string consumerGroup, TimeProvider? time = null) => _checkpoints(consumerGroup, time ?? TimeProvider.System);

    /// <summary>Runs <paramref name="work"/> against the database, after checking once that it can be reached.</summary>
    /// <exception cref="OperationException">The database cannot be reached (Unreachable), LogPipe's tables missing (InvalidRequest), or another database error (Failed).</exception>
    public async Task<T> RunAsync<T>(Func<DbContext, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await EnsureReachableAsync(cancellationToken).ConfigureAwait(false);
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = _context(scope.ServiceProvider);
            try
            {
                return await work(db).ConfigureAwait(false);
            }
            catch (Exception ex) when (DatabaseError(ex) is { } error)
            {
                var message = ConnectionStringSecrets.Redact(error.Message, _connectionString ?? "");
                var where = $"the {Name(Provider)} database {Description}{(_schema is null ? "" : $" (schema '{_schema}')")}";
                switch (Missing(error))
                {
                    case MissingObject.Table:
                        throw OperationException.Invalid(
                            $"LogPipe's tables are not in {where}: {message} Is this the service's database, has it applied its migrations " +
                            "(with modelBuilder.ApplyLogPipeConfiguration), and is --schema right?");
                    case MissingObject.Column:
                        throw OperationException.Invalid(
                            $"LogPipe's tables in {where} lack a column this tool uses: {message} The database is older than this version of " +
                            "LogPipe.Hosting: add and apply a migration in the service (for example for LogPipeDeadLetters.ReplayRequestedAt).");
                }

                throw new OperationException(OperationFailure.Failed, $"The {Name(Provider)} database {Description} failed: {message}", ex);
            }
        }
    }

    /// <summary>
    /// Like <see cref="RunAsync{T}"/>, for a table that databases of older LogPipe versions lack (such as the shard leases):
    /// <see langword="null"/> when a table <paramref name="work"/> reads is not there.
    /// </summary>
    public async Task<T?> RunIfTableExistsAsync<T>(Func<DbContext, Task<T>> work, CancellationToken cancellationToken)
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
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = _context(scope.ServiceProvider);
            try
            {
                await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await db.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (DatabaseError(ex) is not null || ex is InvalidOperationException or TimeoutException)
            {
                throw OperationException.Unreachable(
                    $"Cannot reach the {Name(Provider)} database {Description}: {ConnectionStringSecrets.Redact((DatabaseError(ex) ?? ex).Message, _connectionString ?? "")}", ex);
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

    private static (string Value, string Source) ConnectionString(IConfiguration configuration, string? option)
    {
        if (option is not null) return (option, "--connection-string");
        if (configuration.Setting($"{AdminSection}:ConnectionString") is { } direct) return (direct, $"{AdminSection}:ConnectionString");
        if (configuration.Setting($"{AdminSection}:ConnectionStringName") is { } name)
        {
            return configuration.Setting($"ConnectionStrings:{name}") is { } named
                ? (named, $"ConnectionStrings:{name}")
                : throw OperationException.Invalid($"{AdminSection}:ConnectionStringName is '{name}', but ConnectionStrings:{name} is not set.");
        }

        throw OperationException.Invalid(
            $"No connection string for LogPipe's tables: pass --connection-string, or set {AdminSection}:ConnectionString or {AdminSection}:ConnectionStringName.");
    }

    private static OperationsDatabase Sqlite(string connectionString, string source, string? schema)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            throw OperationException.Invalid($"The connection string ({source}) names no SQLite database file.");
        }

        var path = Path.GetFullPath(builder.DataSource);
        if (!File.Exists(path)) throw OperationException.Unreachable($"The SQLite database file '{path}' ({source}) does not exist.");

        // The tool never creates a database: a mistyped path must fail, not leave an empty file behind.
        if (!new DbConnectionStringBuilder { ConnectionString = connectionString }.ContainsKey("Mode")) builder.Mode = SqliteOpenMode.ReadWrite;
        builder.DataSource = path;
        return Named(DatabaseProvider.Sqlite, builder.ConnectionString, schema, path);
    }

    private static OperationsDatabase Postgres(string connectionString, string? schema)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return Named(DatabaseProvider.Postgres, connectionString, schema, $"{builder.Host}:{builder.Port}/{builder.Database}");
    }

    private static OperationsDatabase SqlServer(string connectionString, string? schema)
    {
        var builder = new SqlConnectionStringBuilder(connectionString);
        return Named(DatabaseProvider.SqlServer, connectionString, schema, $"{builder.DataSource}/{builder.InitialCatalog}");
    }

    /// <summary>A database the operator names: LogPipe's tables mapped on a context of its own, one per use.</summary>
    private static OperationsDatabase Named(DatabaseProvider provider, string connectionString, string? schema, string description)
    {
        var options = new DbContextOptionsBuilder<AdminDbContext>();
        _ = provider switch
        {
            DatabaseProvider.Sqlite => options.UseSqlite(connectionString),
            DatabaseProvider.Postgres => options.UseNpgsql(connectionString),
            _ => options.UseSqlServer(connectionString),
        };
        var scopes = new ServiceCollection()
            .AddScoped(_ => new AdminDbContext(options.Options, schema))
            .BuildServiceProvider()
            .GetRequiredService<IServiceScopeFactory>();
        return new OperationsDatabase(
            scopes, services => services.GetRequiredService<AdminDbContext>(), (group, time) => new EditorCheckpointRows<AdminDbContext>(scopes, group, time), provider, connectionString, schema, description);
    }

    private enum MissingObject
    {
        None,
        Table,
        Column,
    }
}
