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
            .IsInEnum()
            .WithMessage(o => $"'{o.InitialPosition}' is not an initial position; use TRIM_HORIZON, LATEST or AT_TIMESTAMP.");
        RuleFor(o => o.InitialTimestamp)
            .NotNull()
            .When(o => o.InitialPosition == KinesisInitialPosition.AtTimestamp)
            .WithMessage("is required when InitialPosition is AT_TIMESTAMP.");
        RuleFor(o => o.MaxRecordsPerRead).InclusiveBetween(1, 10_000);
        RuleFor(o => o.PollInterval)
            .GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(200))
            .WithMessage(o => $"must be at least 00:00:00.2, 200 ms (Kinesis allows 5 GetRecords calls per second per shard); was {o.PollInterval}.");
        RuleFor(o => o.IdlePollInterval)
            .GreaterThanOrEqualTo(o => o.PollInterval)
            .WithMessage(o => $"must not be shorter than PollInterval ({o.PollInterval}); was {o.IdlePollInterval}.");
        RuleFor(o => o.ShardDiscoveryInterval)
            .GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(100))
            .WithMessage(o => $"must be at least 00:00:00.1, 100 ms; was {o.ShardDiscoveryInterval}.");
        RuleFor(o => o.ShardQueueCapacity).InclusiveBetween(1, 1_000_000);
        RuleFor(o => o.MaxPutAttempts).InclusiveBetween(1, 100);
        RuleFor(o => o.MaxConcurrentPuts).InclusiveBetween(1, 64);
        RuleFor(o => o.RetryBaseDelay).GreaterThanOrEqualTo(TimeSpan.Zero);
        RuleFor(o => o.RetryMaxDelay)
            .GreaterThanOrEqualTo(o => o.RetryBaseDelay)
            .WithMessage(o => $"must not be shorter than RetryBaseDelay ({o.RetryBaseDelay}); was {o.RetryMaxDelay}.");
        RuleFor(o => o.MaxRetries).InclusiveBetween(0, 50);
        RuleFor(o => o.RequestTimeout).GreaterThan(TimeSpan.Zero);
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
