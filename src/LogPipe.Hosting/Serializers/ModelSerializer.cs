namespace LogPipe.Hosting;

/// <summary>
/// A serializer for a message that mirrors a model: maps the model to the message when sending, and on receipt looks up
/// the existing instance, then creates or updates it — the .NET form of a Django REST framework <c>ModelSerializer</c>.
/// </summary>
/// <typeparam name="TModel">The model class.</typeparam>
/// <typeparam name="TMessage">The message body class.</typeparam>
public abstract class ModelSerializer<TModel, TMessage> : MessageSerializer<TMessage>
    where TModel : class
    where TMessage : class
{
    /// <summary>Maps a model to the message that is sent for it.</summary>
    /// <param name="model">The model.</param>
    /// <returns>The message body.</returns>
    public abstract TMessage ToMessage(TModel model);

    /// <summary>Finds the stored instance an incoming message refers to; <see langword="null"/> means it is new.</summary>
    /// <param name="message">The incoming message.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The existing instance, or <see langword="null"/>.</returns>
    public virtual ValueTask<TModel?> LookupInstanceAsync(TMessage message, CancellationToken cancellationToken) => default;

    /// <summary>Creates (when <paramref name="instance"/> is <see langword="null"/>) or updates the instance from the message.</summary>
    /// <param name="message">The validated message.</param>
    /// <param name="instance">The instance lookup found, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the save.</param>
    public abstract Task SaveAsync(TMessage message, TModel? instance, CancellationToken cancellationToken);

    /// <inheritdoc />
    public sealed override async Task SaveAsync(TMessage message, CancellationToken cancellationToken)
    {
        var instance = await LookupInstanceAsync(message, cancellationToken).ConfigureAwait(false);
        await SaveAsync(message, instance, cancellationToken).ConfigureAwait(false);
    }

    internal override async ValueTask<object?> LookupForApplyAsync(TMessage message, CancellationToken cancellationToken) =>
        await LookupInstanceAsync(message, cancellationToken).ConfigureAwait(false);

    internal override Task SaveForApplyAsync(TMessage message, object? instance, CancellationToken cancellationToken) =>
        SaveAsync(message, (TModel?)instance, cancellationToken);
}
