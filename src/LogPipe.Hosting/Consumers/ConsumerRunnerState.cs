namespace LogPipe.Hosting.Consumers;

/// <summary>Where the consumer loop is.</summary>
public enum ConsumerRunnerState
{
    /// <summary>Not started yet.</summary>
    NotStarted,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Stopped on shutdown.</summary>
    Stopped,

    /// <summary>Stopped by a failure (a <see cref="SaveFailurePolicy.Stop"/> policy, a thrown message error, a transport fault).</summary>
    Faulted,
}
