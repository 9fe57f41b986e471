using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace LogPipe.Sample.Data;

/// <summary>Finds the stored replicas of many people with one query, tracked.</summary>
public static class ReplicaLookup
{
    /// <summary>
    /// The replicas of <paramref name="uuids"/> that exist. On PostgreSQL the query probes the uuid index once per key
    /// (<c>unnest(@uuids)</c>, each key's row found by a <c>LATERAL ... LIMIT 1</c> subquery): a plan the server keeps for
    /// a prepared statement (<c>Max Auto Prepare</c>) whatever the table's size. <c>"Uuid" = ANY(@uuids)</c> lets the
    /// planner scan the table while it is small, and a prepared statement's generic plan keeps that scan as the table
    /// grows, comparing every row with every key.
    /// </summary>
    /// <param name="db">The DbContext.</param>
    /// <param name="uuids">The people, each once.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public static Task<List<PersonReplica>> FindAsync(SampleDbContext db, Guid[] uuids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!db.Database.IsNpgsql()) return db.Replicas.Where(r => uuids.Contains(r.Uuid)).ToListAsync(cancellationToken);
        return db.Replicas.FromSqlRaw(PostgresSql(db), uuids).ToListAsync(cancellationToken);
    }

    /// <summary>The PostgreSQL query's text, <c>{0}</c> standing for the array of uuids.</summary>
    /// <param name="db">A DbContext of the model whose table and column names the query uses.</param>
    public static string PostgresSql(SampleDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return Sql.GetValue(db.Model, _ => ProbeSql(db));
    }

    // The query's text per model, made once.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IModel, string> Sql = new();

    private static string ProbeSql(SampleDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(PersonReplica))!;
        var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var table = sql.DelimitIdentifier(store.Name, store.Schema);
        var uuid = sql.DelimitIdentifier(entity.FindProperty(nameof(PersonReplica.Uuid))!.GetColumnName(store)!);
        return $"SELECT r.* FROM unnest({{0}}) AS k(uuid) CROSS JOIN LATERAL (SELECT * FROM {table} WHERE {uuid} = k.uuid LIMIT 1) AS r";
    }
}
