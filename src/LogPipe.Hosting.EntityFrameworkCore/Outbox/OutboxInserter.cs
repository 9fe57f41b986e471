using System.Data.Common;
using System.Text;
using System.Text.Json;
using LogPipe.Hosting.Producers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// Writes a context's pending outbox records into <c>LogPipeOutbox</c> inside the committing transaction, with the table
/// and column names, quoting and parameter types of the context's own model and provider (SQLite, PostgreSQL, SQL Server).
/// </summary>
internal static class OutboxInserter
{
    /// <summary>Rows per INSERT: 8 parameters each stays far below SQL Server's 2,100 parameters per command.</summary>
    private const int RowsPerStatement = 100;

    private static readonly string[] Columns =
    [
        nameof(LogPipeOutboxEntry.Topic), nameof(LogPipeOutboxEntry.Key), nameof(LogPipeOutboxEntry.Value), nameof(LogPipeOutboxEntry.Headers),
        nameof(LogPipeOutboxEntry.MessageType), nameof(LogPipeOutboxEntry.Version), nameof(LogPipeOutboxEntry.CreatedAt), nameof(LogPipeOutboxEntry.Attempts),
    ];

    public static async Task InsertAsync(DbContext context, DbTransaction transaction, IReadOnlyList<OutboxRecord> records, DateTimeOffset committedAt, bool async, CancellationToken cancellationToken)
    {
        var entity = context.Model.FindEntityType(typeof(LogPipeOutboxEntry))
            ?? throw new InvalidOperationException(
                $"{context.GetType().Name} has no LogPipeOutbox table: call modelBuilder.ApplyLogPipeConfiguration() in its OnModelCreating (and add a migration).");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = context.GetService<ISqlGenerationHelper>();
        var properties = Array.ConvertAll(Columns, name => entity.FindProperty(name)!);
        var columnList = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
        var prefix = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({columnList}) VALUES ";

        for (var start = 0; start < records.Count; start += RowsPerStatement)
        {
            var end = Math.Min(records.Count, start + RowsPerStatement);
            var command = transaction.Connection!.CreateCommand();
            await using var disposeCommand = command.ConfigureAwait(false);
            command.Transaction = transaction;
            if (context.Database.GetCommandTimeout() is { } timeout) command.CommandTimeout = timeout;
            var text = new StringBuilder(prefix);
            for (var row = start; row < end; row++)
            {
                var record = records[row].Record;
                object?[] values =
                [
                    record.Stream, record.Key, record.Value.ToArray(), HeadersJson(record.Headers),
                    records[row].MessageType, records[row].Version, committedAt, 0,
                ];
                text.Append(row == start ? "(" : ", (");
                for (var column = 0; column < values.Length; column++)
                {
                    var name = sql.GenerateParameterName(FormattableString.Invariant($"o{row - start}_{column}"));
                    if (column > 0) text.Append(", ");
                    text.Append(name);
                    var mapping = properties[column].GetRelationalTypeMapping();
                    command.Parameters.Add(mapping.CreateParameter(command, name, values[column], properties[column].IsNullable));
                }

                text.Append(')');
            }

#pragma warning disable CA2100 // Identifiers come from the EF model and are quoted by the provider; values are parameters.
            command.CommandText = text.ToString();
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

    /// <summary>Headers as dead letters keep them: a JSON array of <c>[name, base64 value]</c> pairs.</summary>
    public static string? HeadersJson(IReadOnlyList<KeyValuePair<string, byte[]>>? headers) =>
        headers is { Count: > 0 } h ? JsonSerializer.Serialize(h.Select(x => new[] { x.Key, Convert.ToBase64String(x.Value) })) : null;

    /// <summary>Reads headers written by <see cref="HeadersJson"/>.</summary>
    public static List<KeyValuePair<string, byte[]>> ParseHeaders(string? json)
    {
        var headers = new List<KeyValuePair<string, byte[]>>();
        if (string.IsNullOrEmpty(json)) return headers;
        foreach (var pair in JsonSerializer.Deserialize<string[][]>(json) ?? []) headers.Add(new(pair[0], Convert.FromBase64String(pair[1])));
        return headers;
    }
}
