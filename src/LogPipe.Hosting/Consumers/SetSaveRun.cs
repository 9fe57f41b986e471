using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Consecutive messages of one set-wise serializer in a batched unit: each is looked up and validated as it comes, then
/// all are handed to <see cref="IBatchMessageSerializer{TMessage}.SaveBatchAsync"/> at once.
/// </summary>
internal abstract class SetSaveRun
{
    protected SetSaveRun(SerializerInvoker invoker) => Invoker = invoker;

    public SerializerInvoker Invoker { get; }

    /// <summary>Messages waiting for <see cref="FlushAsync"/>.</summary>
    public abstract int Count { get; }

    /// <summary>Looks the record's message up and validates it; an applied outcome means it waits for the flush.</summary>
    public abstract Task<RecordOutcome> AddAsync(PreparedRecord prepared, IncomingRecord record, IServiceProvider services, CancellationToken cancellationToken);

    /// <summary>Saves the waiting messages set-wise and starts a new run; a failure is the batch's, thrown.</summary>
    public abstract Task FlushAsync(CancellationToken cancellationToken);
}

internal sealed class SetSaveRun<TMessage>(SerializerInvoker<TMessage> invoker, IBatchMessageSerializer<TMessage> serializer) : SetSaveRun(invoker)
    where TMessage : class
{
    private List<BatchItem<TMessage>> _items = [];

    public override int Count => _items.Count;

    public override async Task<RecordOutcome> AddAsync(PreparedRecord prepared, IncomingRecord record, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (prepared.Error is { } error) return error;
        var message = (TMessage)prepared.Message!;
        object? instance;
        try
        {
            instance = await invoker.LookupAndValidateAsync(prepared.Envelope, message, services, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidMessageException ex)
        {
            return new RecordOutcome(ex.Kind, ex.Message, prepared.Envelope.Type, prepared.Envelope.Version, ex);
        }

        _items.Add(new BatchItem<TMessage>(message, instance, record.Partition, record.Offset));
        return RecordOutcome.Applied(prepared.Envelope.Type, prepared.Envelope.Version);
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_items.Count == 0) return;
        var items = _items;
        _items = [];
        await serializer.SaveBatchAsync(items, cancellationToken).ConfigureAwait(false);
    }
}
