using FluentValidation;

namespace LogPipe.Hosting;

/// <summary>
/// A serializer for one (message type, version): how an incoming message is validated and saved. Derive from
/// <see cref="ModelSerializer{TModel, TMessage}"/> when the message mirrors a model you store; derive from this class
/// directly when the message is not tied to a model and <see cref="SaveAsync(TMessage, CancellationToken)"/> does its own work.
/// Serializers are resolved from dependency injection in the scope of a unit of work, so they may take a DbContext.
/// </summary>
/// <typeparam name="TMessage">The message body class. Its properties are the wire fields (snake_case by default).</typeparam>
public abstract class MessageSerializer<TMessage> : IMessageSerializer
    where TMessage : class
{
    /// <inheritdoc />
    public abstract string MessageType { get; }

    /// <inheritdoc />
    public abstract int Version { get; }

    /// <inheritdoc />
    public virtual string? KeyField => null;

    /// <summary>
    /// The rules an incoming message must pass before it is saved, or <see langword="null"/> for none. The instance found
    /// by lookup is available to rules as <c>context.RootContextData["instance"]</c>.
    /// </summary>
    public virtual IValidator<TMessage>? Validator => null;

    /// <inheritdoc />
    public Type MessageClrType => typeof(TMessage);

    /// <summary>Saves an incoming, validated message.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the save.</param>
    public abstract Task SaveAsync(TMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Whether records of this serializer may be saved in batches: all records of a unit of work applied against the
    /// change tracker and written with one <c>SaveChanges</c> at commit, instead of a savepoint and a <c>SaveChanges</c>
    /// per record — the fast path. Return <see langword="true"/> only when <see cref="SaveAsync(TMessage, CancellationToken)"/>
    /// changes tracked entities and nothing else (no <c>SaveChanges</c>, no raw SQL of its own) and lookups find instances
    /// added earlier in the same unit (look in <c>DbSet.Local</c> first, or fill a cache in <see cref="PrefetchAsync"/>).
    /// If a batch fails, LogPipe rolls it back and applies the same records one by one. Default <see langword="false"/>.
    /// </summary>
    public virtual bool BatchSaves => false;

    /// <summary>
    /// Called once per unit of work with all messages of this serializer in it, before any is applied, so lookups can be
    /// answered from one query (for example: load every instance whose key is among the messages' keys into the
    /// DbContext, and look in <c>DbSet.Local</c> in <c>LookupInstanceAsync</c>). Default: nothing.
    /// </summary>
    /// <param name="messages">The unit's messages for this serializer, in order.</param>
    /// <param name="cancellationToken">Cancels the prefetch.</param>
    public virtual Task PrefetchAsync(IReadOnlyList<TMessage> messages, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The key-value name validation rules see the looked-up instance under.</summary>
    public const string InstanceContextKey = "instance";

    internal virtual ValueTask<object?> LookupForApplyAsync(TMessage message, CancellationToken cancellationToken) => default;

    internal virtual Task SaveForApplyAsync(TMessage message, object? instance, CancellationToken cancellationToken) =>
        SaveAsync(message, cancellationToken);
}
