namespace LogPipe.Hosting.Consumers;

/// <summary>A snapshot of the consumer loop, for health checks.</summary>
/// <param name="State">Where the loop is.</param>
/// <param name="LastProgressAt">When the loop last made progress: handled a record or finished an idle poll (it does at least every <c>LogPipe:UnitOfWork:IdlePoll</c> while nothing arrives).</param>
/// <param name="LastCommitAt">When a unit of work last committed.</param>
/// <param name="Fault">What stopped the loop, when <see cref="ConsumerRunnerState.Faulted"/>.</param>
public sealed record ConsumerRunnerStatus(ConsumerRunnerState State, DateTimeOffset? LastProgressAt, DateTimeOffset? LastCommitAt, Exception? Fault);
