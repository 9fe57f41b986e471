namespace LogPipe.Hosting.Consumers;

/// <summary>A snapshot of the consumer loop, for health checks.</summary>
/// <param name="State">Where the loop is.</param>
/// <param name="LastLoopAt">When the loop last went round (it goes round at least every idle poll).</param>
/// <param name="LastCommitAt">When a unit of work last committed.</param>
/// <param name="Fault">What stopped the loop, when <see cref="ConsumerRunnerState.Faulted"/>.</param>
public sealed record ConsumerRunnerStatus(ConsumerRunnerState State, DateTimeOffset? LastLoopAt, DateTimeOffset? LastCommitAt, Exception? Fault);
