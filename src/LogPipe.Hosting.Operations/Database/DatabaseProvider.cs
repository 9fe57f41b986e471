namespace LogPipe.Hosting.Operations;

/// <summary>The databases LogPipe keeps its tables in.</summary>
internal enum DatabaseProvider
{
    /// <summary>SQLite (development, the sample's default).</summary>
    Sqlite,

    /// <summary>PostgreSQL (Npgsql).</summary>
    Postgres,

    /// <summary>SQL Server.</summary>
    SqlServer,
}
