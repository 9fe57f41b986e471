using FluentValidation;
using LogPipe.Hosting.Checkpoints;

namespace LogPipe.Hosting;

/// <summary>The rules <c>LogPipe</c> settings must follow; checked at startup.</summary>
internal sealed class LogPipeOptionsValidator : AbstractValidator<LogPipeOptions>
{
    /// <summary>Creates the rules.</summary>
    public LogPipeOptionsValidator()
    {
        RuleFor(o => o.DefaultFormat)
            .IsInEnum()
            .WithMessage(o => $"'{o.DefaultFormat}' is not a format; use json or msgpack.");
        RuleFor(o => o.FieldNaming)
            .IsInEnum()
            .WithMessage(o => $"'{o.FieldNaming}' is not a field naming; use one of {string.Join(", ", Enum.GetNames<FieldNaming>())}.");
        RuleFor(o => o.MinMessageLag).GreaterThanOrEqualTo(TimeSpan.Zero);
        RuleFor(o => o.ProducerId).MaximumLength(255);
        RuleFor(o => ConsumerGroupName.Resolve(o))
            .MaximumLength(CheckpointKeyLimits.ConsumerGroup)
            .WithMessage(o => $"'{ConsumerGroupName.Resolve(o)}' is {ConsumerGroupName.Resolve(o).Length} characters long; a consumer group name is part of every checkpoint's key and may be at most {CheckpointKeyLimits.ConsumerGroup}.")
            .OverridePropertyName("ConsumerGroup");
        RuleFor(o => o.UnitOfWork.MaxRecords).InclusiveBetween(1, 100_000).OverridePropertyName("UnitOfWork.MaxRecords");
        RuleFor(o => o.UnitOfWork.MaxDuration).GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(1)).OverridePropertyName("UnitOfWork.MaxDuration");
        RuleFor(o => o.UnitOfWork.IdlePoll).GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(1)).OverridePropertyName("UnitOfWork.IdlePoll");
        RuleFor(o => o.UnitOfWork.IsolationLevel).Must(UnitOfWorkIsolation.IsUsable).OverridePropertyName("UnitOfWork.IsolationLevel")
            .WithMessage(o => $"'{o.UnitOfWork.IsolationLevel}' is not an isolation level a unit of work can begin with; use {UnitOfWorkIsolation.Choices}.");
        RuleFor(o => o.Failures.MaxAttempts).GreaterThanOrEqualTo(1).OverridePropertyName("Failures.MaxAttempts");
        RuleFor(o => o.Failures.InitialBackoff).GreaterThanOrEqualTo(TimeSpan.Zero).OverridePropertyName("Failures.InitialBackoff");
        RuleFor(o => o.Failures.MaxBackoff).GreaterThanOrEqualTo(o => o.Failures.InitialBackoff).OverridePropertyName("Failures.MaxBackoff");
        RuleFor(o => o.Failures.Policy).IsInEnum().OverridePropertyName("Failures.Policy");
        RuleFor(o => o.Failures.MaxTransientRetries).GreaterThanOrEqualTo(0).OverridePropertyName("Failures.MaxTransientRetries");
        RuleFor(o => o.Failures.SaveTimeout).GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(1)).OverridePropertyName("Failures.SaveTimeout");
        RuleFor(o => o.DeadLetters.MaxKeptInMemory).GreaterThanOrEqualTo(0).OverridePropertyName("DeadLetters.MaxKeptInMemory");
        RuleFor(o => o.DeadLetters.MaxBytesKeptInMemory).GreaterThanOrEqualTo(0).OverridePropertyName("DeadLetters.MaxBytesKeptInMemory");
        RuleFor(o => o.Health.StallTimeout).GreaterThan(TimeSpan.Zero).OverridePropertyName("Health.StallTimeout");
        RuleFor(o => o.Health.PartitionStallTimeout).GreaterThan(TimeSpan.Zero).OverridePropertyName("Health.PartitionStallTimeout");
        RuleFor(o => o.Health.MaxTimeBehindLatest).GreaterThanOrEqualTo(TimeSpan.Zero).When(o => o.Health.MaxTimeBehindLatest is not null).OverridePropertyName("Health.MaxTimeBehindLatest");
        RuleFor(o => o.Limits.MaxRecordBytes).GreaterThan(16).OverridePropertyName("Limits.MaxRecordBytes");
        RuleFor(o => o.Limits.MaxDepth).InclusiveBetween(2, 1000).OverridePropertyName("Limits.MaxDepth");
        RuleFor(o => o.Limits.MaxStringLength).GreaterThan(0).OverridePropertyName("Limits.MaxStringLength");
    }
}
