// The outbox is used next to IProducer in application code: its types live at the root namespace.
#pragma warning disable IDE0130
namespace LogPipe.Hosting;
#pragma warning restore IDE0130

/// <summary>
/// Sends models through a transactional outbox: <see cref="SendAsync"/> encodes the model now and keeps the record with
/// the caller's database context, which writes it in the same transaction as the caller's own changes. A relay publishes
/// committed records to the topic or stream afterwards. A rollback, or a context that is never saved, sends nothing.
/// Registered (scoped) for every <c>AddProducer</c> model by <c>UseEntityFrameworkOutbox&lt;TDbContext&gt;()</c>.
/// </summary>
/// <typeparam name="TModel">The model class.</typeparam>
/// <remarks>
/// Unlike <c>IProducer&lt;TModel&gt;</c>, nothing is on the log when the call returns, so there is no partition or
/// offset to return: <see cref="OutboxEntry"/> says what will be sent.
/// </remarks>
public interface IOutboxProducer<in TModel>
    where TModel : class
{
    /// <summary>
    /// Encodes <paramref name="model"/> and adds the record to the outbox of the current database context; it is written
    /// when the context's transaction commits (<c>SaveChangesAsync</c>, or <c>CommitAsync</c> of an explicit transaction).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What will be sent.</returns>
    /// <exception cref="InvalidOperationException">The model cannot be encoded (the message says why); nothing was added.</exception>
    ValueTask<OutboxEntry> SendAsync(TModel model, CancellationToken cancellationToken = default);

    /// <summary>
    /// Encodes every model and adds their records to the outbox of the current database context, in input order; records
    /// with the same key are published in that order. A model that cannot be encoded fails the call with nothing added.
    /// </summary>
    /// <param name="models">The models.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What will be sent, in input order.</returns>
    ValueTask<IReadOnlyList<OutboxEntry>> SendBatchAsync(IEnumerable<TModel> models, CancellationToken cancellationToken = default);
}
