using FluentValidation;

namespace LogPipe.Hosting.Serializers;

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

    /// <summary>The key-value name validation rules see the looked-up instance under.</summary>
    public const string InstanceContextKey = "instance";

    internal virtual ValueTask<object?> LookupForApplyAsync(TMessage message, CancellationToken cancellationToken) => default;

    internal virtual Task SaveForApplyAsync(TMessage message, object? instance, CancellationToken cancellationToken) =>
        SaveAsync(message, cancellationToken);
}
