namespace LogPipe.Hosting;

/// <summary>
/// Lets a serializer save the messages of a unit of work set-wise — one multi-row upsert, a bulk copy, an
/// <c>ExecuteUpdate</c> — instead of one <see cref="MessageSerializer{TMessage}.SaveAsync(TMessage, CancellationToken)"/>
/// per message. Implement it on a <see cref="MessageSerializer{TMessage}"/> or <see cref="ModelSerializer{TModel, TMessage}"/>;
/// LogPipe then hands each run of consecutive messages of this serializer in a unit to <see cref="SaveBatchAsync"/>, after
/// one <see cref="MessageSerializer{TMessage}.PrefetchAsync"/>, a lookup and validation per message.
/// </summary>
/// <remarks>
/// <para>
/// The batch is written in the unit's transaction and its checkpoint commits with it: both or neither. Items come in the
/// order of the records; a key may occur more than once (the same record changed twice before the unit was read) and
/// the last write must win, as it would one message at a time.
/// </para>
/// <para>
/// If <see cref="SaveBatchAsync"/> throws, the unit is rolled back and its records are applied again one by one through
/// <see cref="MessageSerializer{TMessage}.SaveAsync(TMessage, CancellationToken)"/>, each in its own savepoint, so one
/// poison record is retried, dead-lettered or skipped by the failure policy while the others are applied. The per-record
/// save must therefore do the same as the batch (the same rules, for example a version check). Checkpoint stores that
/// cannot batch (see <c>IUnitOfWork.SupportsBatchedSaves</c>) always take the per-record path.
/// </para>
/// <para>
/// A set-wise write bypasses Entity Framework Core's change tracker: the unit's DbContext must not also track the rows
/// the batch writes (do not load them tracked in <see cref="MessageSerializer{TMessage}.PrefetchAsync"/>, use
/// <c>AsNoTracking</c>), or the tracked copies are stale and a later <c>SaveChanges</c> may overwrite the batch's values.
/// Messages of other serializers in the same unit are written by the change tracker when the unit commits, after the
/// batches; serializers must not write the same rows through both paths.
/// </para>
/// </remarks>
/// <typeparam name="TMessage">The message body class.</typeparam>
public interface IBatchMessageSerializer<TMessage>
    where TMessage : class
{
    /// <summary>Saves validated messages of one unit of work set-wise, in the unit's transaction.</summary>
    /// <param name="items">The messages, in record order, with the instance lookup found for each and where it came from.</param>
    /// <param name="cancellationToken">Cancels the save (shutdown, or <c>LogPipe:Failures:SaveTimeout</c> for the whole batch).</param>
    /// <returns>A task that completes when the batch is written (not committed: the unit commits it).</returns>
    Task SaveBatchAsync(IReadOnlyList<BatchItem<TMessage>> items, CancellationToken cancellationToken);
}
