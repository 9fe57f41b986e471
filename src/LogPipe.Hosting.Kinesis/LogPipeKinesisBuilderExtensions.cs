using LogPipe.Hosting;
using LogPipe.Hosting.Kinesis;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Transport;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// Extension methods live where users look for them.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Adds the Kinesis transport to LogPipe.</summary>
public static class LogPipeKinesisBuilderExtensions
{
    /// <summary>
    /// Adds the Kinesis transport, configured from <c>LogPipe:Kinesis</c> (validated at startup). Selected when
    /// <c>LogPipe:Transport</c> is <c>Kinesis</c>, or when it is the only transport added.
    /// </summary>
    /// <param name="builder">The LogPipe builder.</param>
    /// <param name="configure">Changes to the options after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static LogPipeBuilder UseKinesis(this LogPipeBuilder builder, Action<KinesisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var sectionPath = builder.AddValidatedOptions<KinesisOptions, KinesisOptionsValidator>("Kinesis", configure);

        // ApplicationName is the Kinesis Client Library's word for the consumer group: one name, under either key.
        services.AddOptions<LogPipeOptions>().PostConfigure<IOptions<KinesisOptions>>((logpipe, kinesis) =>
        {
            if (string.IsNullOrWhiteSpace(logpipe.ConsumerGroup) && !string.IsNullOrWhiteSpace(kinesis.Value.ApplicationName))
            {
                logpipe.ConsumerGroup = kinesis.Value.ApplicationName;
            }
        });
        services.AddSingleton<IValidateOptions<LogPipeOptions>>(sp => new ApplicationNameValidator(sp.GetRequiredService<IOptions<KinesisOptions>>(), sectionPath));

        services.TryAddKeyedSingleton<IKinesisClient>(KinesisTransport.ClientServiceKey, (sp, _) => new KinesisClient(
            sp.GetRequiredService<IOptions<KinesisOptions>>().Value.ToClientOptions(),
            httpClient: null,
            sp.GetService<ILogger<KinesisClient>>(),
            sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp =>
        {
            var kinesis = sp.GetRequiredService<IOptions<KinesisOptions>>().Value;
            return new KinesisTransport(
                sp.GetRequiredKeyedService<IKinesisClient>(KinesisTransport.ClientServiceKey),
                kinesis,
                ResolveRegion(kinesis, sectionPath),
                ConsumerGroupName.Resolve(sp.GetRequiredService<IOptions<LogPipeOptions>>().Value),
                sp.GetRequiredService<ILoggerFactory>(),
                sp.GetService<TimeProvider>(),
                sp.GetService<LogPipeTelemetry>());
        });
        return builder.AddTransport(new TransportRegistration(KinesisTransport.TransportName, sp => sp.GetRequiredService<KinesisTransport>()));
    }

    /// <summary>The region checkpoints are kept under: the configured one, else the AWS SDK's region chain.</summary>
    private static string ResolveRegion(KinesisOptions options, string sectionPath)
    {
        try
        {
            return KinesisEndpoint.Resolve(options.ToClientOptions()).SigningRegion;
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException(
                $"{sectionPath}:Region is not set and the AWS SDK found no region (AWS_REGION, AWS_DEFAULT_REGION, profile, instance metadata); set it.",
                ex);
        }
    }

    private sealed class ApplicationNameValidator(IOptions<KinesisOptions> kinesis, string sectionPath) : IValidateOptions<LogPipeOptions>
    {
        public ValidateOptionsResult Validate(string? name, LogPipeOptions options)
        {
            var application = kinesis.Value.ApplicationName;
            if (string.IsNullOrWhiteSpace(application) || string.Equals(application, options.ConsumerGroup, StringComparison.Ordinal))
            {
                return ValidateOptionsResult.Success;
            }

            return ValidateOptionsResult.Fail(
                $"{sectionPath}:ApplicationName ('{application}') and {LogPipeOptions.SectionName}:ConsumerGroup ('{options.ConsumerGroup}') differ; checkpoints are kept under one name, so set only one of them.");
        }
    }
}
