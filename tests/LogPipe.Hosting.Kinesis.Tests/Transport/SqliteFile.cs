using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary>A SQLite database file for one test: people and LogPipe's checkpoints, shared by the apps of that test.</summary>
public sealed class SqliteFile : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"logpipe-kinesis-{Guid.NewGuid():N}.db");

    public void Configure(DbContextOptionsBuilder options) => options.UseSqlite($"Data Source={_path};Default Timeout=60");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-journal", _path + "-wal", _path + "-shm" }) File.Delete(file);
    }
}
