namespace LogPipe.Hosting.Benchmarks.Databases;

/// <summary>The databases the consumer phases apply records into.</summary>
public enum DatabaseProvider
{
    /// <summary>A SQLite file, the provider's default settings.</summary>
    Sqlite,

    /// <summary>PostgreSQL 15.</summary>
    Postgres,
}
