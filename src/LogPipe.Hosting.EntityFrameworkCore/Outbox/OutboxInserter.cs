using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
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

    /// <summary>The statement's shape per model: built once, not on every commit (metadata lookups and quoting add up).</summary>
    private static readonly ConditionalWeakTable<IModel, Shape> Shapes = new();

    public static async Task InsertAsync(DbContext context, DbTransaction transaction, IReadOnlyList<OutboxRecord> records, DateTimeOffset committedAt, bool async, CancellationToken cancellationToken)
    {
        var shape = ShapeOf(context);
        for (var start = 0; start < records.Count; start += RowsPerStatement)
        {
            var end = Math.Min(records.Count, start + RowsPerStatement);
            var command = transaction.Connection!.CreateCommand();
            await using var disposeCommand = command.ConfigureAwait(false);
            command.Transaction = transaction;
            if (context.Database.GetCommandTimeout() is { } timeout) command.CommandTimeout = timeout;
            AddRows(command, shape, records, start, end, committedAt);

#pragma warning disable CA2100 // Identifiers come from the EF model and are quoted by the provider; values are parameters.
            command.CommandText = shape.Text(end - start);
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

    /// <summary>
    /// Appends the INSERTs of <paramref name="records"/> to <paramref name="command"/> (EF Core's own command of a save) as
    /// its last statements, so they run in the same round trip and the same implicit transaction as the save's statements.
    /// </summary>
    public static void AppendTo(DbContext context, DbCommand command, IReadOnlyList<OutboxRecord> records, DateTimeOffset committedAt)
    {
        var shape = ShapeOf(context);
        var text = new StringBuilder(command.CommandText.TrimEnd());
        if (text.Length > 0 && text[^1] != ';') text.Append(';');
        for (var start = 0; start < records.Count; start += RowsPerStatement)
        {
            var end = Math.Min(records.Count, start + RowsPerStatement);
            AddRows(command, shape, records, start, end, committedAt, batch: start / RowsPerStatement);
            text.Append('\n').Append(shape.Text(end - start, batch: start / RowsPerStatement)).Append(';');
        }

#pragma warning disable CA2100 // Identifiers come from the EF model and are quoted by the provider; values are parameters.
        command.CommandText = text.ToString();
#pragma warning restore CA2100
    }

    private static Shape ShapeOf(DbContext context) => Shapes.GetValue(context.Model, _ => Shape.Of(context));

    private static void AddRows(DbCommand command, Shape shape, IReadOnlyList<OutboxRecord> records, int start, int end, DateTimeOffset committedAt, int batch = 0)
    {
        for (var row = start; row < end; row++)
        {
            var record = records[row].Record;
            object?[] values =
            [
                record.Stream, record.Key, ValueBytes(record.Value), HeadersJson(record.Headers),
                records[row].MessageType, records[row].Version, committedAt, 0,
            ];
            for (var column = 0; column < values.Length; column++)
            {
                command.Parameters.Add(shape.Mappings[column].CreateParameter(command, shape.ParameterName(row - start, column, batch), values[column], shape.Nullable[column]));
            }
        }
    }

    // The encoder hands over an array in a ReadOnlyMemory: no copy of the envelope when it is a whole one.
    private static byte[] ValueBytes(ReadOnlyMemory<byte> value) =>
        MemoryMarshal.TryGetArray(value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length ? segment.Array : value.ToArray();

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

    /// <summary>The INSERT for one model and provider: table and column names, parameter names and type mappings.</summary>
    private sealed class Shape
    {
        private readonly string _prefix;
        private readonly string[][] _names = new string[RowsPerStatement][];
        private readonly string?[] _texts = new string?[RowsPerStatement + 1];
        private readonly ISqlGenerationHelper _sql;

        private Shape(string prefix, RelationalTypeMapping[] mappings, bool[] nullable, ISqlGenerationHelper sql)
        {
            _prefix = prefix;
            _sql = sql;
            Mappings = mappings;
            Nullable = nullable;
            for (var row = 0; row < RowsPerStatement; row++)
            {
                var names = new string[Columns.Length];
                for (var column = 0; column < names.Length; column++) names[column] = sql.GenerateParameterName(FormattableString.Invariant($"o{row}_{column}"));
                _names[row] = names;
            }
        }

        public RelationalTypeMapping[] Mappings { get; }

        public bool[] Nullable { get; }

        public static Shape Of(DbContext context)
        {
            var entity = context.Model.FindEntityType(typeof(LogPipeOutboxEntry))
                ?? throw new InvalidOperationException(
                    $"{context.GetType().Name} has no LogPipeOutbox table: call modelBuilder.ApplyLogPipeConfiguration() in its OnModelCreating (and add a migration).");
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var sql = context.GetService<ISqlGenerationHelper>();
            var properties = Array.ConvertAll(Columns, name => entity.FindProperty(name)!);
            var columnList = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
            return new Shape(
                $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({columnList}) VALUES ",
                Array.ConvertAll(properties, p => p.GetRelationalTypeMapping()),
                Array.ConvertAll(properties, p => p.IsNullable),
                sql);
        }

        /// <summary>
        /// A parameter's name: row <paramref name="row"/> of statement <paramref name="batch"/> of one command (only a save
        /// of more than <see cref="RowsPerStatement"/> records appends a second statement, whose names are built when needed).
        /// </summary>
        public string ParameterName(int row, int column, int batch = 0) =>
            batch == 0 ? _names[row][column] : _sql.GenerateParameterName(FormattableString.Invariant($"o{batch}r{row}_{column}"));

        /// <summary>The statement for <paramref name="rows"/> rows (racing threads may build it twice; both are equal).</summary>
        public string Text(int rows, int batch = 0) => batch == 0 ? _texts[rows] ??= Build(rows, 0) : Build(rows, batch);

        private string Build(int rows, int batch)
        {
            var text = new StringBuilder(_prefix);
            for (var row = 0; row < rows; row++)
            {
                text.Append(row == 0 ? "(" : ", (");
                for (var column = 0; column < Columns.Length; column++) text.Append(column == 0 ? "" : ", ").Append(ParameterName(row, column, batch));
                text.Append(')');
            }

            return text.ToString();
        }
    }
}
