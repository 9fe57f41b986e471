using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace LogPipe.Sample.Data;

/// <summary>
/// Writes many replicas with <c>INSERT ... ON CONFLICT (uuid) DO UPDATE</c> statements, in the DbContext's current
/// transaction, past the change tracker. SQLite (3.24+) and PostgreSQL (9.5+) share this syntax. On SQLite the rows are
/// multi-row <c>VALUES</c>, the parameters converted as the EF Core model converts each column; on PostgreSQL they are one
/// array per column, unnested by the server (the replica's columns have no value converters). Names come from the model.
/// </summary>
public static class ReplicaUpsert
{
    /// <summary>
    /// Rows per statement on SQLite: Microsoft.Data.Sqlite binds each parameter by looking its name up among all of the
    /// statement's parameters (SQLite's <c>sqlite3_bind_parameter_index</c> is a linear scan), so the cost per row grows
    /// with the statement's size. Full statements of a batch reuse one prepared command. Far under SQLite's limit of
    /// 32,766 parameters.
    /// </summary>
    public const int SqliteRowsPerStatement = 25;

    /// <summary>Whether <paramref name="db"/>'s provider understands <c>INSERT ... ON CONFLICT</c>.</summary>
    public static bool IsSupported(SampleDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Database.IsSqlite() || db.Database.IsNpgsql();
    }

    /// <summary>
    /// Inserts or updates <paramref name="rows"/>, which must name each uuid once (one statement cannot update a row
    /// twice in PostgreSQL). The email column is written only when <paramref name="withEmail"/> is set.
    /// </summary>
    /// <param name="db">The unit of work's DbContext; it must not track the replicas written here.</param>
    /// <param name="rows">The rows, one per uuid.</param>
    /// <param name="withEmail">Whether the messages carry an email (version 2); version 1 leaves a stored email as it is.</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    public static async Task UpsertAsync(SampleDbContext db, IReadOnlyList<ReplicaRow> rows, bool withEmail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        var table = Tables.GetValue(db.Model, _ => Table.Of(db));
        var connection = db.Database.GetDbConnection();
        var opened = false;
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            opened = true;
        }

        try
        {
            if (db.Database.IsNpgsql())
            {
                await UpsertColumnsAsync(db, connection, table, rows, withEmail, cancellationToken);
                return;
            }

            var perStatement = SqliteRowsPerStatement;
            DbCommand? full = null;
            try
            {
                for (var start = 0; start < rows.Count; start += perStatement)
                {
                    var count = Math.Min(perStatement, rows.Count - start);
                    var reuse = count == perStatement && full is not null;
                    var command = reuse ? full! : connection.CreateCommand();
                    try
                    {
                        if (!reuse)
                        {
                            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
                            command.CommandText = table.Sql(count, withEmail);
                        }

                        var n = 0;
                        for (var i = start; i < start + count; i++)
                        {
                            var row = rows[i];
                            Set(command, table, table.Uuid, ref n, row.Uuid, reuse);
                            Set(command, table, table.FirstName, ref n, row.FirstName, reuse);
                            Set(command, table, table.LastName, ref n, row.LastName, reuse);
                            if (withEmail) Set(command, table, table.Email, ref n, row.Email, reuse);
                            Set(command, table, table.Version, ref n, row.Version, reuse);
                            Set(command, table, table.AppliedCount, ref n, row.Applied, reuse);
                        }

                        await command.ExecuteNonQueryAsync(cancellationToken);
                    }
                    finally
                    {
                        if (count == perStatement) full = command;
                        else await command.DisposeAsync();
                    }
                }
            }
            finally
            {
                if (full is not null) await full.DisposeAsync();
            }
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// PostgreSQL: every row in one statement of six parameters, one array per column, unnested by the server. Its text is
    /// the same for any number of rows, so the server parses a few hundred bytes rather than a statement with a
    /// parameter per value, and a connection that prepares statements (<c>Max Auto Prepare</c>) plans it once.
    /// </summary>
    private static async Task UpsertColumnsAsync(SampleDbContext db, DbConnection connection, Table table, IReadOnlyList<ReplicaRow> rows, bool withEmail, CancellationToken cancellationToken)
    {
        // The arrays carry the CLR values as they are: a value converter on one of the columns would be skipped silently.
        if (table.ConvertedColumn is { } converted)
        {
            throw new InvalidOperationException($"The replica upsert sends {converted} as an array of its CLR values, but the model converts that column; write it as multi-row VALUES or convert the array.");
        }

        var uuids = new Guid[rows.Count];
        var firstNames = new string[rows.Count];
        var lastNames = new string[rows.Count];
        var emails = withEmail ? new string?[rows.Count] : null;
        var versions = new int[rows.Count];
        var applied = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            (uuids[i], firstNames[i], lastNames[i], versions[i], applied[i]) = (row.Uuid, row.FirstName, row.LastName, row.Version, row.Applied);
            if (emails is not null) emails[i] = row.Email;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = table.ColumnsSql(withEmail);
        var n = 0;
        void Add(object values)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = table.ParameterName(n++);
            parameter.Value = values;
            command.Parameters.Add(parameter);
        }

        Add(uuids);
        Add(firstNames);
        Add(lastNames);
        if (emails is not null) Add(emails);
        Add(versions);
        Add(applied);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Adds parameter <paramref name="n"/>, converted as the model converts the column, or sets its value again.</summary>
    private static void Set(DbCommand command, Table table, RelationalTypeMapping mapping, ref int n, object? value, bool reuse)
    {
        if (reuse)
        {
            command.Parameters[n++].Value = (value is null ? null : mapping.Converter?.ConvertToProvider(value) ?? value) ?? DBNull.Value;
            return;
        }

        // Named exactly as in the statement ("@p0"): Microsoft.Data.Sqlite looks an unprefixed name up among all of the
        // statement's parameters, fails, and looks again with each prefix — a second scan for every value bound.
        command.Parameters.Add(mapping.CreateParameter(command, table.ParameterName(n++), value, nullable: true));
    }

    // The table's names and mappings per model: one lookup per model rather than one per unit of work.
    private static readonly ConditionalWeakTable<IModel, Table> Tables = new();

    /// <summary>The replica table's names and type mappings, as the model defines them.</summary>
    private sealed record Table(
        string Name,
        string[] Columns,
        RelationalTypeMapping Uuid,
        RelationalTypeMapping FirstName,
        RelationalTypeMapping LastName,
        RelationalTypeMapping Email,
        RelationalTypeMapping Version,
        RelationalTypeMapping AppliedCount,
        string ParameterPrefix)
    {
        private string[] _parameterNames = [];

        /// <summary>The name of parameter <paramref name="n"/> as the statement writes it (<c>@p0</c>), made once.</summary>
        public string ParameterName(int n)
        {
            var names = _parameterNames;
            if (n < names.Length) return names[n];
            var grown = new string[Math.Max(n + 1, names.Length * 2)];
            names.CopyTo(grown, 0);
            for (var i = names.Length; i < grown.Length; i++) grown[i] = ParameterPrefix + "p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _parameterNames = grown;
            return grown[n];
        }

        public static Table Of(SampleDbContext db)
        {
            var entity = db.Model.FindEntityType(typeof(PersonReplica))!;
            var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var sql = db.GetService<ISqlGenerationHelper>();
            string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(store)!);
            RelationalTypeMapping Mapping(string property) => (RelationalTypeMapping)entity.FindProperty(property)!.GetTypeMapping();
            string[] properties = [nameof(PersonReplica.Uuid), nameof(PersonReplica.FirstName), nameof(PersonReplica.LastName), nameof(PersonReplica.Email), nameof(PersonReplica.Version), nameof(PersonReplica.AppliedCount)];
            return new Table(
                sql.DelimitIdentifier(store.Name, store.Schema),
                [.. properties.Select(Column)],
                Mapping(properties[0]),
                Mapping(properties[1]),
                Mapping(properties[2]),
                Mapping(properties[3]),
                Mapping(properties[4]),
                Mapping(properties[5]),
                sql.GenerateParameterNamePlaceholder("x")[..^1]);
        }

        /// <summary>
        /// <c>INSERT INTO replicas (uuid, first_name, ...) VALUES (...), (...) ON CONFLICT (uuid) DO UPDATE SET ...</c>:
        /// the message's fields replace the stored ones, and the applied count adds up.
        /// </summary>
        public string Sql(int rows, bool withEmail)
        {
            var columns = ColumnsOf(withEmail);
            var sql = new StringBuilder(64 + (rows * columns.Length * 8));
            sql.Append("INSERT INTO ").Append(Name).Append(" (").AppendJoin(", ", columns).Append(") VALUES ");
            var n = 0;
            for (var r = 0; r < rows; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Length; c++) sql.Append(c == 0 ? "" : ", ").Append(ParameterPrefix).Append('p').Append(n++);
                sql.Append(')');
            }

            return OnConflict(sql, columns).ToString();
        }

        /// <summary>
        /// PostgreSQL: <c>INSERT INTO replicas (uuid, ...) SELECT * FROM unnest(@p0, @p1, ...) ON CONFLICT (uuid) DO UPDATE
        /// SET ...</c>, an array parameter per column, the same text for any number of rows (made once per shape).
        /// </summary>
        public string ColumnsSql(bool withEmail) => withEmail ? _columnsSqlWithEmail ??= BuildColumnsSql(withEmail: true) : _columnsSql ??= BuildColumnsSql(withEmail: false);

        private string? _columnsSql;
        private string? _columnsSqlWithEmail;

        private string BuildColumnsSql(bool withEmail)
        {
            var columns = ColumnsOf(withEmail);
            var sql = new StringBuilder(512);
            sql.Append("INSERT INTO ").Append(Name).Append(" (").AppendJoin(", ", columns).Append(") SELECT * FROM unnest(");
            for (var c = 0; c < columns.Length; c++) sql.Append(c == 0 ? "" : ", ").Append(ParameterPrefix).Append('p').Append(c);
            sql.Append(')');
            return OnConflict(sql, columns).ToString();
        }

        /// <summary>The first column whose mapping has a value converter, or <see langword="null"/>.</summary>
        public string? ConvertedColumn { get; } = new[] { Uuid, FirstName, LastName, Email, Version, AppliedCount }
            .Select((mapping, i) => mapping.Converter is null ? null : Columns[i])
            .FirstOrDefault(column => column is not null);

        private string[] ColumnsOf(bool withEmail) => withEmail ? Columns : [Columns[0], Columns[1], Columns[2], Columns[4], Columns[5]];

        // The message's fields replace the stored ones; the applied count adds up.
        private StringBuilder OnConflict(StringBuilder sql, string[] columns)
        {
            var (uuid, applied) = (columns[0], columns[^1]);
            sql.Append(" ON CONFLICT (").Append(uuid).Append(") DO UPDATE SET ");
            foreach (var column in columns.Skip(1).SkipLast(1)) sql.Append(column).Append(" = excluded.").Append(column).Append(", ");
            return sql.Append(applied).Append(" = ").Append(Name).Append('.').Append(applied).Append(" + excluded.").Append(applied);
        }
    }
}
