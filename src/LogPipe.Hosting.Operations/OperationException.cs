namespace LogPipe.Hosting.Operations;

/// <summary>An operator action that did not happen, with why (<see cref="Failure"/>) and an explanation fit to show the operator.</summary>
public sealed class OperationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">Why the action did not happen.</param>
    /// <param name="message">The explanation: what is wrong and what to do.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public OperationException(OperationFailure failure, string message, Exception? innerException = null)
        : base(message, innerException) => Failure = failure;

    /// <summary>Creates the exception as <see cref="OperationFailure.Failed"/>.</summary>
    public OperationException()
    {
    }

    /// <summary>Creates the exception as <see cref="OperationFailure.Failed"/>.</summary>
    /// <param name="message">The explanation.</param>
    public OperationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception as <see cref="OperationFailure.Failed"/>.</summary>
    /// <param name="message">The explanation.</param>
    /// <param name="innerException">The underlying error.</param>
    public OperationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Why the action did not happen.</summary>
    public OperationFailure Failure { get; } = OperationFailure.Failed;

    /// <summary>
    /// Whether forcing the action overrides this refusal. The message says "force the move" in words; each front end adds
    /// how to do that with its own controls (the CLI's <c>--force</c>, the dashboard's force box).
    /// </summary>
    public bool CanBeForced { get; internal init; }

    internal static OperationException Invalid(string message) => new(OperationFailure.InvalidRequest, message);

    internal static OperationException NotFound(string message) => new(OperationFailure.NotFound, message);

    internal static OperationException Refused(string message) => new(OperationFailure.Refused, message);

    internal static OperationException RefusedUnlessForced(string message) => new(OperationFailure.Refused, message) { CanBeForced = true };

    internal static OperationException Unreachable(string message, Exception? inner = null) => new(OperationFailure.Unreachable, message, inner);
}
