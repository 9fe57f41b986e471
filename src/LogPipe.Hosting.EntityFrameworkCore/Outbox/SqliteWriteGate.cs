using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// One in-process lock per SQLite database file, taken by the outbox's write transactions (a save that carries entries,
/// from before its <c>BEGIN</c> to after its <c>COMMIT</c>) and by the relay's writes (deletes, attempt counts, lease), so
/// the process's writers queue in memory and each goes on the moment the one before it committed. The relay's writes go
/// first: saves queue for a turn (<see cref="SqliteWriteGateLanes.Saves"/>) before they wait for the lock, so a relay statement waits for
/// the save in progress (at most also the one that has just got its turn), not for every save queued in the process.
/// </summary>
/// <remarks>
/// SQLite has one writer at a time per file, and Microsoft.Data.Sqlite answers <c>SQLITE_BUSY</c> by sleeping 150 ms
/// and trying again until the command timeout: without the gate every collision between two writers of the same process
/// costs a whole sleep. The gate is an optimisation only: writers in other processes, and writes the outbox does not
/// take it for, still meet at the file lock and the busy timeout. A wait longer than the context's command timeout goes
/// on without the gate (as if there were none), so a gate never fails or blocks what SQLite itself would let through.
/// </remarks>
internal static class SqliteWriteGate
{
    private const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    /// <summary>Microsoft.Data.Sqlite's default command timeout.</summary>
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly ConcurrentDictionary<string, SqliteWriteGateLanes> ByDatabase = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> KeyByConnectionString = new(StringComparer.Ordinal);

    /// <summary>
    /// The gate of <paramref name="context"/>'s database, and how long to wait for it; null when the context is not on
    /// SQLite or its database is private to one connection (<c>:memory:</c>, or a temporary file).
    /// </summary>
    public static (SqliteWriteGateLanes Lanes, TimeSpan Timeout)? For(DbContext context)
    {
        if (context.Database.ProviderName != SqliteProvider || context.Database.GetConnectionString() is not { } connectionString) return null;
        var key = KeyByConnectionString.GetOrAdd(connectionString, KeyOf);
        if (key.Length == 0) return null;
        var timeout = context.Database.GetCommandTimeout() is { } seconds && seconds > 0 ? TimeSpan.FromSeconds(seconds) : DefaultTimeout;
        return (ByDatabase.GetOrAdd(key, static _ => new SqliteWriteGateLanes(new SemaphoreSlim(1, 1), new SemaphoreSlim(1, 1))), timeout);
    }

    /// <summary>The database a connection string names (the full path of its file), or empty for a private database.</summary>
    internal static string KeyOf(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var source = Value(builder, "Data Source") ?? Value(builder, "DataSource") ?? Value(builder, "Filename") ?? "";
        var mode = Value(builder, "Mode");
        if (source.Length == 0 || source == ":memory:") return "";
        if (string.Equals(mode, "Memory", StringComparison.OrdinalIgnoreCase)) return "memory:" + source;
        if (source.StartsWith("file:", StringComparison.OrdinalIgnoreCase)) return source;
        return Path.GetFullPath(source);
    }

    private static string? Value(DbConnectionStringBuilder builder, string name) =>
        builder.TryGetValue(name, out var value) ? value?.ToString() : null;
}
