using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>
/// The conditional checkpoint write as one parameterized <c>UPDATE</c>, its SQL generated once from the context's model
/// (table, schema, column names and quoting of whatever provider the application uses). Every unit of work writes one
/// checkpoint per partition it touched, so this runs tens of times per unit: translating a LINQ <c>ExecuteUpdate</c>
/// each time cost more than the statement itself. Where the provider supports <see cref="DbBatch"/> (PostgreSQL, SQL
/// Server), all partitions go to the server in one round trip.
/// </summary>
internal sealed class CheckpointWriter
{
    private readonly string _sql;
    private readonly ParameterSlot[] _slots;

    private CheckpointWriter(string sql, ParameterSlot[] slots)
    {
        _sql = sql;
        _slots = slots;
    }

    /// <summary>One checkpoint to write: where, the new position, and the version the write is conditional on.</summary>
    internal readonly record struct Write(string ConsumerGroup, PartitionKey Partition, Checkpoint Checkpoint, long ExpectedVersion, DateTimeOffset Now);

    public static CheckpointWriter Create(DbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(LogPipeCheckpoint))
            ?? throw new InvalidOperationException($"{db.GetType().Name} has no {nameof(LogPipeCheckpoint)} in its model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var slots = new List<ParameterSlot>();

        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);

        string Parameter(string property, Func<Write, object?> value)
        {
            var name = $"lp{slots.Count}";
            var mapping = entity.FindProperty(property)!.GetRelationalTypeMapping();
            slots.Add(new ParameterSlot(sql.GenerateParameterName(name), mapping, value));
            return sql.GenerateParameterNamePlaceholder(name);
        }

        var text = $"UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)} SET "
            + $"{Column(nameof(LogPipeCheckpoint.NextOffset))} = {Parameter(nameof(LogPipeCheckpoint.NextOffset), w => w.Checkpoint.NextOffset)}, "
            + $"{Column(nameof(LogPipeCheckpoint.SequenceNumber))} = {Parameter(nameof(LogPipeCheckpoint.SequenceNumber), w => w.Checkpoint.SequenceNumber)}, "
            + $"{Column(nameof(LogPipeCheckpoint.Version))} = {Parameter(nameof(LogPipeCheckpoint.Version), w => w.ExpectedVersion + 1)}, "
            + $"{Column(nameof(LogPipeCheckpoint.UpdatedAt))} = {Parameter(nameof(LogPipeCheckpoint.UpdatedAt), w => w.Now)} "
            + $"WHERE {Column(nameof(LogPipeCheckpoint.ConsumerGroup))} = {Parameter(nameof(LogPipeCheckpoint.ConsumerGroup), w => w.ConsumerGroup)} "
            + $"AND {Column(nameof(LogPipeCheckpoint.Transport))} = {Parameter(nameof(LogPipeCheckpoint.Transport), w => w.Partition.Transport)} "
            + $"AND {Column(nameof(LogPipeCheckpoint.Stream))} = {Parameter(nameof(LogPipeCheckpoint.Stream), w => w.Partition.Stream)} "
            + $"AND {Column(nameof(LogPipeCheckpoint.Partition))} = {Parameter(nameof(LogPipeCheckpoint.Partition), w => w.Partition.Partition)} "
            + $"AND {Column(nameof(LogPipeCheckpoint.Version))} = {Parameter("Version", w => w.ExpectedVersion)}";
        return new CheckpointWriter(text, [.. slots]);
    }

    /// <summary>
    /// Runs the writes inside <paramref name="transaction"/> and returns, for each, whether it changed its row (one row:
    /// written; none: another instance moved the partition on, or deleted the row).
    /// </summary>
    public async Task<bool[]> WriteAsync(DbContext db, IDbContextTransaction transaction, IReadOnlyList<Write> writes, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var dbTransaction = transaction.GetDbTransaction();
        var written = new bool[writes.Count];
        if (writes.Count == 0) return written;

        // Parameters are made by the properties' type mappings (value converters, provider types), on a command that
        // is only used as their factory when they go into a batch.
        var command = connection.CreateCommand();
        await using var commandDisposal = command.ConfigureAwait(false);
        command.Transaction = dbTransaction;
        command.CommandText = _sql;
        if (writes.Count > 1 && connection.CanCreateBatch)
        {
            var batch = connection.CreateBatch();
            await using var batchDisposal = batch.ConfigureAwait(false);
            batch.Transaction = dbTransaction;
            foreach (var write in writes)
            {
                var batchCommand = batch.CreateBatchCommand();
                batchCommand.CommandText = _sql;
                foreach (var slot in _slots) batchCommand.Parameters.Add(slot.Create(command, write));
                batch.BatchCommands.Add(batchCommand);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < writes.Count; i++) written[i] = batch.BatchCommands[i].RecordsAffected == 1;
            return written;
        }

        // One prepared statement, executed once per partition with new values.
        var parameters = new DbParameter[_slots.Length];
        for (var s = 0; s < _slots.Length; s++) command.Parameters.Add(parameters[s] = _slots[s].Create(command, writes[0]));
        for (var i = 0; i < writes.Count; i++)
        {
            if (i > 0)
            {
                for (var s = 0; s < _slots.Length; s++) parameters[s].Value = _slots[s].ProviderValue(writes[i]);
            }

            written[i] = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }

        return written;
    }

    /// <summary>One parameter of the statement: its name, the property's type mapping (converters included) and its value.</summary>
    private sealed class ParameterSlot(string name, RelationalTypeMapping mapping, Func<Write, object?> value)
    {
        public DbParameter Create(DbCommand factory, Write write) => mapping.CreateParameter(factory, name, value(write), nullable: true);

        public object ProviderValue(Write write) => (mapping.Converter is { } converter ? converter.ConvertToProvider(value(write)) : value(write)) ?? DBNull.Value;
    }
}
