using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Producers;

/// <summary>
/// Where <see cref="IOutboxProducer{TModel}"/> puts encoded records: a store that writes them in the caller's
/// transaction (the EF Core outbox). Scoped, like the database context it writes through.
/// </summary>
internal interface IOutboxWriter
{
    /// <summary>Keeps the records for the current transaction's commit, in order.</summary>
    /// <param name="records">The encoded records with the envelope's type and version.</param>
    void Add(IReadOnlyList<OutboxRecord> records);
}
