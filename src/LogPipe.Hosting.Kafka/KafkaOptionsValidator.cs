using FluentValidation;
using FluentValidation.Results;

namespace LogPipe.Hosting.Kafka;

/// <summary>The rules <c>LogPipe:Kafka</c> settings must follow; checked at startup.</summary>
internal sealed class KafkaOptionsValidator : AbstractValidator<KafkaOptions>
{
    /// <summary>Creates the rules.</summary>
    public KafkaOptionsValidator()
    {
        RuleFor(o => o.BootstrapServers).NotEmpty().WithMessage("is required: a list of host:port, or 'embedded' for the development broker.");
        RuleFor(o => o.AutoOffsetReset)
            .IsInEnum()
            .WithMessage(o => $"'{o.AutoOffsetReset}' is not an offset reset; use earliest or latest.");
        RuleFor(o => o.SecurityProtocol)
            .Must(p => KafkaSecuritySettings.SecurityProtocols.Contains(p, StringComparer.OrdinalIgnoreCase))
            .When(o => !string.IsNullOrEmpty(o.SecurityProtocol))
            .WithMessage(o => $"'{o.SecurityProtocol}' is not a security protocol; use {string.Join(", ", KafkaSecuritySettings.SecurityProtocols)}.");
        RuleFor(o => o.Sasl.Mechanism)
            .Must(m => KafkaSecuritySettings.SaslMechanisms.Contains(m, StringComparer.OrdinalIgnoreCase))
            .When(o => !string.IsNullOrEmpty(o.Sasl.Mechanism))
            .WithMessage(o => $"'{o.Sasl.Mechanism}' is not a SASL mechanism; use {string.Join(", ", KafkaSecuritySettings.SaslMechanisms)}.")
            .OverridePropertyName("Sasl.Mechanism");
        RuleFor(o => o).Custom((o, context) =>
        {
            foreach (var (key, otherKey) in KafkaSecuritySettings.Conflicts(o))
            {
                // Reported under the typed key; the values are not quoted, they may be secrets.
                context.AddFailure(new ValidationFailure(key.Replace(':', '.'), $"conflicts with {otherKey} in the same section: both set that librdkafka property, to different values; keep one of them."));
            }
        });
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
