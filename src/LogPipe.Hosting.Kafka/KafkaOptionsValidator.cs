using FluentValidation;

namespace LogPipe.Hosting.Kafka;

/// <summary>The rules <c>LogPipe:Kafka</c> settings must follow; checked at startup.</summary>
internal sealed class KafkaOptionsValidator : AbstractValidator<KafkaOptions>
{
    /// <summary>Creates the rules.</summary>
    public KafkaOptionsValidator()
    {
        RuleFor(o => o.BootstrapServers).NotEmpty().WithMessage("is required: a list of host:port, or 'embedded' for the development broker.");
        RuleFor(o => o.AutoOffsetReset)
            .Must(v => v is "earliest" or "latest")
            .WithMessage(o => $"'{o.AutoOffsetReset}' is not an offset reset; use earliest or latest.");
        RuleFor(o => o.EmbeddedBroker.Brokers).InclusiveBetween(1, 9).OverridePropertyName("EmbeddedBroker.Brokers");
        RuleFor(o => o.EmbeddedBroker.Partitions).InclusiveBetween(1, 1000).OverridePropertyName("EmbeddedBroker.Partitions");
        RuleForEach(o => o.Producer.Keys)
            .Must(k => !KafkaClientSettings.ManagedByLogPipe.Contains(k))
            .WithMessage((_, k) => $"'{k}' is set by LogPipe and cannot be overridden.")
            .OverridePropertyName("Producer");
        RuleForEach(o => o.Consumer.Keys)
            .Must(k => !KafkaClientSettings.ManagedByLogPipe.Contains(k))
            .WithMessage((_, k) => $"'{k}' is set by LogPipe and cannot be overridden.")
            .OverridePropertyName("Consumer");
    }
}
