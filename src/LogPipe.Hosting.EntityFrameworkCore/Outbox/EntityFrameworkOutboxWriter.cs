using LogPipe.Hosting.Producers;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>The outbox store of <c>UseEntityFrameworkOutbox</c>: keeps records with the scope's <typeparamref name="TDbContext"/> until it commits.</summary>
internal sealed class EntityFrameworkOutboxWriter<TDbContext>(TDbContext context) : IOutboxWriter
    where TDbContext : DbContext
{
    public void Add(IReadOnlyList<OutboxRecord> records) => PendingOutboxEntries.For(context).Add(records);
}
