namespace LogPipe.Hosting;

/// <summary>
/// Sends models to their topic or stream through the serializer registered for them with <c>AddProducer</c>. Registered
/// as a singleton and safe to use from many threads at once: inject it into controllers, singletons and hosted services
/// (a <c>BackgroundService</c>) alike. Each send resolves the serializer in a scope of its own.
/// </summary>
/// <typeparam name="TModel">The model class.</typeparam>
public interface IProducer<in TModel>
    where TModel : class
{
    /// <summary>Sends one model and completes when the transport acknowledged it.</summary>
    /// <param name="model">The model.</param>
    /// <param name="cancellationToken">Cancels waiting for the acknowledgement.</param>
    /// <returns>Where the record went (topic, partition or shard, offset or sequence number).</returns>
    /// <exception cref="RecordSendException">The transport did not store the record; the message says why.</exception>
    Task<RecordPosition> SendAsync(TModel model, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends many models without waiting for each in turn, and completes when all are acknowledged; records with the same
    /// key keep their order. Prefer this over a loop of <see cref="SendAsync"/> for throughput.
    /// </summary>
    /// <param name="models">The models.</param>
    /// <param name="cancellationToken">Cancels waiting for the acknowledgements.</param>
    /// <returns>Where each record went, in input order.</returns>
    /// <exception cref="RecordSendException">
    /// Some records were not stored: <see cref="RecordSendException.FailedIndexes"/> says which (input order) and
    /// <see cref="RecordSendException.Positions"/> where the others went. Send the failed ones again, in their order.
    /// </exception>
    Task<IReadOnlyList<RecordPosition>> SendBatchAsync(IEnumerable<TModel> models, CancellationToken cancellationToken = default);
}
