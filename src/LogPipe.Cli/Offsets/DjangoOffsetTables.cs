using System.Data.Common;
using System.Globalization;
using LogPipe.Hosting;
using LogPipe.Hosting.Operations;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LogPipe.Cli.Offsets;

/// <summary>
/// django-logpipe's offset tables, read from the Django service's database, turned into LogPipe checkpoints.
/// <list type="bullet">
/// <item><c>logpipe_kafkaoffset(id, topic, partition, offset)</c>: <c>ModelOffsetStore.commit</c> (logpipe.backend.kafka)
/// stores <c>message.offset + 1</c>, the next offset to read, and <c>seek</c> resumes there: the same meaning as LogPipe's
/// next offset, so it is copied as is.</item>
/// <item><c>logpipe_kinesisoffset(id, region, stream, shard, sequence_number)</c>: <c>ModelOffsetStore.commit</c>
/// (logpipe.backend.kinesis) stores the last processed sequence number and <c>seek</c> resumes AFTER_SEQUENCE_NUMBER:
/// LogPipe's Kinesis checkpoint means the same, so it is copied as is under transport <c>kinesis:&lt;region&gt;</c>.</item>
/// </list>
/// </summary>
internal static class DjangoOffsetTables
{
    public const string KafkaTable = "logpipe_kafkaoffset";
    public const string KinesisTable = "logpipe_kinesisoffset";

    /// <summary>Every row of both tables as the checkpoint LogPipe resumes from; a table that does not exist has no rows.</summary>
    /// <exception cref="CommandException">Neither table exists (2); the database cannot be reached (3) or fails (1).</exception>
    public static async Task<IReadOnlyList<DjangoOffset>> ReadAsync(OperationsDatabase django, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(django);
        var kafka = await django.RunAsync(db => QueryAsync(db, $"""SELECT "topic", "partition", "offset" FROM {KafkaTable} ORDER BY "topic", "partition" """, KafkaRow, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        var kinesis = await django.RunAsync(db => QueryAsync(db, $"""SELECT "region", "stream", "shard", "sequence_number" FROM {KinesisTable} ORDER BY "region", "stream", "shard" """, KinesisRow, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        if (kafka is null && kinesis is null)
        {
            throw CommandException.Usage(
                $"Neither {KafkaTable} nor {KinesisTable} is in the {OperationsDatabase.Name(django.Provider)} database {django.Description}: " +
                "is --from the Django service's database, and did it run django-logpipe's migrations?");
        }

        return [.. kafka ?? [], .. kinesis ?? []];
    }

    private static DjangoOffset KafkaRow(DbDataReader row)
    {
        var partition = Convert.ToInt64(row.GetValue(1), CultureInfo.InvariantCulture);
        var offset = Convert.ToInt64(row.GetValue(2), CultureInfo.InvariantCulture);
        return new DjangoOffset(
            new PartitionKey(CheckpointTransport.Kafka, row.GetString(0), partition.ToString(CultureInfo.InvariantCulture)),
            offset.ToString(CultureInfo.InvariantCulture),
            new Checkpoint(offset));
    }

    private static DjangoOffset KinesisRow(DbDataReader row)
    {
        var sequence = row.IsDBNull(3) ? null : row.GetString(3);
        return new DjangoOffset(
            new PartitionKey($"{CheckpointTransport.KinesisPrefix}:{row.GetString(0)}", row.GetString(1), row.GetString(2)),
            sequence ?? "-",
            sequence is null ? null : new Checkpoint(0, sequence));
    }

    /// <returns>The rows, or <see langword="null"/> when the table does not exist.</returns>
    private static async Task<List<DjangoOffset>?> QueryAsync(DbContext db, string sql, Func<DbDataReader, DjangoOffset> read, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = sql;
            try
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var rows = new List<DjangoOffset>();
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) rows.Add(read(reader));
                    return rows;
                }
            }
            catch (DbException ex) when (IsMissingTable(ex))
            {
                return null;
            }
        }
    }

    private static bool IsMissingTable(DbException error) => error switch
    {
        SqliteException { SqliteErrorCode: 1 } sqlite => sqlite.Message.Contains("no such table", StringComparison.Ordinal),
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UndefinedTable,
        SqlException sql => sql.Number == 208,
        _ => false,
    };
}
