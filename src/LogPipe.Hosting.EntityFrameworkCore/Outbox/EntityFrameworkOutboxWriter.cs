using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>The outbox store of <c>UseEntityFrameworkOutbox</c>: keeps records with the scope's <typeparamref name="TDbContext"/> until it commits.</summary>
internal sealed class EntityFrameworkOutboxWriter<TDbContext>(TDbContext context) : IOutboxWriter
    where TDbContext : DbContext
{
    /// <summary>The widths of the outbox table's <c>Topic</c> and <c>Key</c> columns.</summary>
    public const int MaxTopicLength = 255;

    /// <inheritdoc cref="MaxTopicLength"/>
    public const int MaxKeyLength = 1024;

    public void Add(IReadOnlyList<OutboxRecord> records)
    {
        // Checked here, where the caller can still react: at commit the database would refuse the whole transaction.
        foreach (var record in records)
        {
            if (record.Record.Stream.Length > MaxTopicLength)
            {
                throw new InvalidOperationException($"The topic name is {record.Record.Stream.Length} characters long; the outbox keeps at most {MaxTopicLength}: '{record.Record.Stream}'.");
            }

            if (record.Record.Key is { Length: > MaxKeyLength } key)
            {
                throw new InvalidOperationException($"The record key is {key.Length} characters long; the outbox keeps keys of at most {MaxKeyLength}. Key starts: '{key[..40]}'.");
            }
        }

        PendingOutboxEntries.For(context).Add(records, context.Database.CurrentTransaction?.TransactionId);
    }
}
