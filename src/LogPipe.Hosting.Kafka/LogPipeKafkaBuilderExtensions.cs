using LogPipe.Hosting;
using LogPipe.Hosting.Kafka;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// Extension methods live where users look for them.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Adds the Kafka transport to LogPipe.</summary>
public static class LogPipeKafkaBuilderExtensions
{
    /// <summary>
    /// Adds the Kafka transport, configured from <c>LogPipe:Kafka</c> (validated at startup). Selected when
    /// <c>LogPipe:Transport</c> is <c>Kafka</c>, or when it is the only transport added.
    /// </summary>
    /// <param name="builder">The LogPipe builder.</param>
    /// <param name="configure">Changes to the options after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static LogPipeBuilder UseKafka(this LogPipeBuilder builder, Action<KafkaOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        builder.AddValidatedOptions<KafkaOptions, KafkaOptionsValidator>("Kafka", configure);
        services.TryAddSingleton<EmbeddedKafkaBroker>();
        services.TryAddSingleton(sp =>
        {
            var kafka = sp.GetRequiredService<IOptions<KafkaOptions>>().Value;
            var bootstrap = string.Equals(kafka.BootstrapServers, KafkaOptions.Embedded, StringComparison.OrdinalIgnoreCase)
                ? sp.GetRequiredService<EmbeddedKafkaBroker>().BootstrapServers
                : kafka.BootstrapServers;
            var groupId = !string.IsNullOrWhiteSpace(kafka.GroupId) ? kafka.GroupId : ConsumerGroupName.Resolve(sp.GetRequiredService<IOptions<LogPipeOptions>>().Value);
            return new KafkaClientSettings(kafka, bootstrap, groupId);
        });
        services.TryAddSingleton(sp => new KafkaTransport(sp.GetRequiredService<KafkaClientSettings>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetService<LogPipeTelemetry>()));
        return builder.AddTransport(new TransportRegistration(KafkaTransport.TransportName, sp => sp.GetRequiredService<KafkaTransport>()));
    }

    /// <summary>
    /// Keeps consumer positions as Kafka consumer-group commits after each unit of work instead of in a database:
    /// at-least-once effects (django-logpipe's <c>KafkaOffsetStore</c>). Prefer <c>UseEntityFrameworkOffsets</c>.
    /// </summary>
    /// <param name="builder">The LogPipe builder.</param>
    /// <returns>The builder.</returns>
    public static LogPipeBuilder UseKafkaOffsets(this LogPipeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseCheckpointStore<KafkaGroupCheckpointStore>();
    }
}
