using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// Gives every SQLite connection of the outbox's context a <c>busy_timeout</c> as long as the context's command timeout, so
/// a statement that meets another writer's lock waits inside SQLite, which tries again after 1, 2, 5, 10… ms, instead of
/// failing at once into Microsoft.Data.Sqlite's own loop, which sleeps 150 ms per try (it sets no busy timeout).
/// </summary>
/// <remarks>
/// The whole wait stays bounded by the command timeout, as before: SQLite gives up after the busy timeout and
/// Microsoft.Data.Sqlite, finding its command timeout spent, reports the busy database. A connection that already has a
/// busy timeout (set by the application) keeps it. The pragma is per connection, not stored in the file, so it is set at
/// every open (a pooled connection keeps it: then it is only read).
/// </remarks>
internal sealed class OutboxSqliteBusyTimeout : DbConnectionInterceptor
{
    private const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    /// <summary>Microsoft.Data.Sqlite's default command timeout, in seconds.</summary>
    private const int DefaultTimeoutSeconds = 30;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
#pragma warning disable CA2012 // Completes synchronously: the sync path runs no awaits.
        SetAsync(connection, eventData, async: false, CancellationToken.None).GetAwaiter().GetResult();
#pragma warning restore CA2012
    }

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        SetAsync(connection, eventData, async: true, cancellationToken);

    /// <summary>The busy timeout for a context's connections: its command timeout (no limit when that is 0), in milliseconds.</summary>
    internal static int Milliseconds(DbContext context)
    {
        var seconds = context.Database.GetCommandTimeout() ?? DefaultTimeoutSeconds;
        return seconds is <= 0 or > int.MaxValue / 1000 ? int.MaxValue : seconds * 1000;
    }

    private static async Task SetAsync(DbConnection connection, ConnectionEndEventData eventData, bool async, CancellationToken cancellationToken)
    {
        if (eventData.Context is not { } context || context.Database.ProviderName != SqliteProvider) return;
        var command = connection.CreateCommand();
        await using var disposeCommand = command.ConfigureAwait(false);
        command.CommandText = "PRAGMA busy_timeout";
        var current = Convert.ToInt64(async ? await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (current != 0) return;
#pragma warning disable CA2100 // A number, formatted here.
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {Milliseconds(context)}");
#pragma warning restore CA2100
        if (async)
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            command.ExecuteNonQuery();
        }
    }
}
