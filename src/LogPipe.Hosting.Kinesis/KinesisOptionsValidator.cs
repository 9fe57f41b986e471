using FluentValidation;

namespace LogPipe.Hosting.Kinesis;

/// <summary>The rules <c>LogPipe:Kinesis</c> settings must follow; checked at startup, each failure naming its key.</summary>
internal sealed class KinesisOptionsValidator : AbstractValidator<KinesisOptions>
{
    /// <summary>Creates the rules.</summary>
    public KinesisOptionsValidator()
    {
        RuleFor(o => o.Region)
            .Matches("^[a-z0-9]+(-[a-z0-9]+)*$")
            .When(o => !string.IsNullOrEmpty(o.Region))
            .WithMessage(o => $"'{o.Region}' is not a region name; use one such as us-east-1, or leave it unset for the AWS region chain.");
        RuleFor(o => o.ServiceUrl)
            .Must(BeHttpUrl)
            .When(o => !string.IsNullOrWhiteSpace(o.ServiceUrl))
            .WithMessage(o => $"'{o.ServiceUrl}' is not an absolute http:// or https:// URL; leave it unset for AWS.");
        RuleFor(o => o.SecretKey)
            .NotEmpty()
            .When(o => !string.IsNullOrEmpty(o.AccessKey))
            .WithMessage("is required when AccessKey is set; or leave both unset for the AWS default credential chain.");
        RuleFor(o => o.AccessKey)
            .NotEmpty()
            .When(o => !string.IsNullOrEmpty(o.SecretKey) || !string.IsNullOrEmpty(o.SessionToken))
            .WithMessage("is required when SecretKey or SessionToken is set; or leave all unset for the AWS default credential chain.");
        RuleFor(o => o.ApplicationName).MaximumLength(200);
        RuleFor(o => o.InitialPosition)
            .Must(p => p is KinesisOptions.TrimHorizon or KinesisOptions.Latest or KinesisOptions.AtTimestamp)
            .WithMessage(o => $"'{o.InitialPosition}' is not an initial position; use {KinesisOptions.TrimHorizon}, {KinesisOptions.Latest} or {KinesisOptions.AtTimestamp}.");
        RuleFor(o => o.InitialTimestamp)
            .NotNull()
            .When(o => o.InitialPosition == KinesisOptions.AtTimestamp)
            .WithMessage($"is required when InitialPosition is {KinesisOptions.AtTimestamp}.");
        RuleFor(o => o.MaxRecordsPerRead).InclusiveBetween(1, 10_000);
        RuleFor(o => o.PollIntervalMs)
            .GreaterThanOrEqualTo(200)
            .WithMessage(o => $"must be at least 200 (Kinesis allows 5 GetRecords calls per second per shard); was {o.PollIntervalMs}.");
        RuleFor(o => o.IdlePollIntervalMs)
            .GreaterThanOrEqualTo(o => o.PollIntervalMs)
            .WithMessage(o => $"must not be shorter than PollIntervalMs ({o.PollIntervalMs}); was {o.IdlePollIntervalMs}.");
        RuleFor(o => o.ShardDiscoveryIntervalMs).GreaterThanOrEqualTo(100);
        RuleFor(o => o.ShardQueueCapacity).InclusiveBetween(1, 1_000_000);
        RuleFor(o => o.MaxPutAttempts).InclusiveBetween(1, 100);
        RuleFor(o => o.MaxConcurrentPuts).InclusiveBetween(1, 64);
        RuleFor(o => o.RetryBaseDelayMs).GreaterThanOrEqualTo(0);
        RuleFor(o => o.RetryMaxDelayMs)
            .GreaterThanOrEqualTo(o => o.RetryBaseDelayMs)
            .WithMessage(o => $"must not be shorter than RetryBaseDelayMs ({o.RetryBaseDelayMs}); was {o.RetryMaxDelayMs}.");
        RuleFor(o => o.MaxRetries).InclusiveBetween(0, 50);
        RuleFor(o => o.RequestTimeoutMs).GreaterThan(0);
        RuleFor(o => o.Leases).NotNull();
        RuleFor(o => o.Leases.Duration)
            .GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(100))
            .When(o => o.Leases is not null)
            .OverridePropertyName("Leases.Duration")
            .WithMessage(o => $"must be at least 00:00:00.1; was {o.Leases.Duration}.");
        RuleFor(o => o.Leases.RenewInterval)
            .Must((o, renew) => renew > TimeSpan.Zero && renew * 2 <= o.Leases.Duration)
            .When(o => o.Leases is not null)
            .OverridePropertyName("Leases.RenewInterval")
            .WithMessage(o => $"must be positive and at most half of Leases:Duration ({o.Leases.Duration}), so a live holder renews twice before others judge its lease expired; was {o.Leases.RenewInterval}.");
        RuleFor(o => o.Leases.MaxLeasesPerInstance)
            .GreaterThanOrEqualTo(1)
            .When(o => o.Leases?.MaxLeasesPerInstance is not null)
            .OverridePropertyName("Leases.MaxLeasesPerInstance")
            .WithMessage(o => $"must be at least 1, or unset for no limit; was {o.Leases.MaxLeasesPerInstance}.");
        RuleFor(o => o.Leases.MaxStealsPerInterval)
            .InclusiveBetween(0, 1000)
            .When(o => o.Leases is not null)
            .OverridePropertyName("Leases.MaxStealsPerInterval");
    }

    private static bool BeHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
