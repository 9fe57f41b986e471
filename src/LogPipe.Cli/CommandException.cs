namespace LogPipe.Cli;

/// <summary>A failure the tool explains in one message and ends with a documented exit code.</summary>
internal sealed class CommandException : Exception
{
    public CommandException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException) => ExitCode = exitCode;

    public CommandException()
    {
    }

    public CommandException(string message)
        : base(message)
    {
    }

    public CommandException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>One of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; } = ExitCodes.Failed;

    public static CommandException Usage(string message) => new(ExitCodes.Usage, message);

    /// <summary>An operator action that did not happen, with its exit code; <paramref name="message"/> replaces its own when given.</summary>
    public static CommandException From(LogPipe.Hosting.Operations.OperationException failure, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return new(ExitCodes.Of(failure.Failure), message ?? failure.Message, failure.InnerException);
    }

    public static CommandException NotFound(string message) => new(ExitCodes.NotFound, message);

    public static CommandException Refused(string message) => new(ExitCodes.Refused, message);

    public static CommandException Unreachable(string message, Exception? inner = null) => new(ExitCodes.Unreachable, message, inner);
}
