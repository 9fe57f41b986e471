namespace LogPipe.Hosting;

/// <summary>Thrown by <see cref="LogPipeContracts.Verify(IServiceProvider, string)"/> when a published message contract is broken.</summary>
public sealed class ContractViolationException : Exception
{
    /// <summary>Creates the exception for a failed check.</summary>
    /// <param name="result">The check; its report becomes the message.</param>
    public ContractViolationException(ContractCheckResult result)
        : base(result?.ToString())
    {
        ArgumentNullException.ThrowIfNull(result);
        Result = result;
    }

    /// <summary>Creates the exception.</summary>
    public ContractViolationException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ContractViolationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ContractViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The failed check, listing every difference; <see langword="null"/> when created without one.</summary>
    public ContractCheckResult? Result { get; }
}
