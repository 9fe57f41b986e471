using FluentValidation;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting;

/// <summary>The rules <c>LogPipe</c> settings must follow; checked at startup.</summary>
internal sealed class LogPipeOptionsValidator : AbstractValidator<LogPipeOptions>
{
    /// <summary>Creates the rules.</summary>
    public LogPipeOptionsValidator()
    {
        RuleFor(o => o.DefaultFormat)
            .Must(WireFormat.IsSupported)
            .WithMessage(o => $"'{o.DefaultFormat}' is not a format; use json or msgpack.");
        RuleFor(o => o.FieldNaming)
            .Must(n => WireCodec.FieldNamings.Contains(n))
            .WithMessage(o => $"'{o.FieldNaming}' is not a field naming; use one of {string.Join(", ", WireCodec.FieldNamings)}.");
        RuleFor(o => o.MinMessageLagMs).GreaterThanOrEqualTo(0);
        RuleFor(o => o.ProducerId).MaximumLength(255);
        RuleFor(o => ConsumerGroupName.Resolve(o))
            .MaximumLength(CheckpointKeyLimits.ConsumerGroup)
            .WithMessage(o => $"'{ConsumerGroupName.Resolve(o)}' is {ConsumerGroupName.Resolve(o).Length} characters long; a consumer group name is part of every checkpoint's key and may be at most {CheckpointKeyLimits.ConsumerGroup}.")
            .OverridePropertyName("ConsumerGroup");
        RuleFor(o => o.UnitOfWork.MaxRecords).InclusiveBetween(1, 100_000).OverridePropertyName("UnitOfWork.MaxRecords");
        RuleFor(o => o.UnitOfWork.MaxDurationMs).GreaterThan(0).OverridePropertyName("UnitOfWork.MaxDurationMs");
        RuleFor(o => o.UnitOfWork.IdlePollMs).GreaterThan(0).OverridePropertyName("UnitOfWork.IdlePollMs");
        RuleFor(o => o.UnitOfWork.IsolationLevel).Must(UnitOfWorkIsolation.IsUsable).OverridePropertyName("UnitOfWork.IsolationLevel")
            .WithMessage(o => $"'{o.UnitOfWork.IsolationLevel}' is not an isolation level a unit of work can begin with; use {UnitOfWorkIsolation.Choices}.");
        RuleFor(o => o.Failures.MaxAttempts).GreaterThanOrEqualTo(1).OverridePropertyName("Failures.MaxAttempts");
        RuleFor(o => o.Failures.InitialBackoffMs).GreaterThanOrEqualTo(0).OverridePropertyName("Failures.InitialBackoffMs");
        RuleFor(o => o.Failures.MaxBackoffMs).GreaterThanOrEqualTo(o => o.Failures.InitialBackoffMs).OverridePropertyName("Failures.MaxBackoffMs");
        RuleFor(o => o.Failures.Policy).IsInEnum().OverridePropertyName("Failures.Policy");
        RuleFor(o => o.Failures.MaxTransientRetries).GreaterThanOrEqualTo(0).OverridePropertyName("Failures.MaxTransientRetries");
        RuleFor(o => o.Failures.SaveTimeoutMs).GreaterThan(0).OverridePropertyName("Failures.SaveTimeoutMs");
        RuleFor(o => o.DeadLetters.MaxKeptInMemory).GreaterThanOrEqualTo(0).OverridePropertyName("DeadLetters.MaxKeptInMemory");
        RuleFor(o => o.DeadLetters.MaxBytesKeptInMemory).GreaterThanOrEqualTo(0).OverridePropertyName("DeadLetters.MaxBytesKeptInMemory");
        RuleFor(o => o.Health.StallTimeoutSeconds).GreaterThan(0).OverridePropertyName("Health.StallTimeoutSeconds");
        RuleFor(o => o.Health.PartitionStallTimeoutSeconds).GreaterThan(0).OverridePropertyName("Health.PartitionStallTimeoutSeconds");
        RuleFor(o => o.Health.MaxMillisBehindLatest).GreaterThanOrEqualTo(0).When(o => o.Health.MaxMillisBehindLatest is not null).OverridePropertyName("Health.MaxMillisBehindLatest");
        RuleFor(o => o.Limits.MaxRecordBytes).GreaterThan(16).OverridePropertyName("Limits.MaxRecordBytes");
        RuleFor(o => o.Limits.MaxDepth).InclusiveBetween(2, 1000).OverridePropertyName("Limits.MaxDepth");
        RuleFor(o => o.Limits.MaxStringLength).GreaterThan(0).OverridePropertyName("Limits.MaxStringLength");
    }
}
