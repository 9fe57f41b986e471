using LogPipe.Hosting;

// OpenTelemetry's instrumentation packages put their builder extensions in the builder's namespace, where users look.
#pragma warning disable IDE0130
namespace OpenTelemetry.Metrics;
#pragma warning restore IDE0130

/// <summary>Adds LogPipe's metrics to OpenTelemetry metrics.</summary>
public static class MeterProviderBuilderExtensions
{
    /// <summary>
    /// Listens to LogPipe's meter (<see cref="LogPipeTelemetry.Name"/>): <c>messaging.client.sent.messages</c>,
    /// <c>messaging.client.consumed.messages</c>, <c>messaging.client.operation.duration</c>,
    /// <c>messaging.process.duration</c>, and LogPipe's own <c>logpipe.*</c> instruments (lag, dead letters, outbox backlog).
    /// </summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static MeterProviderBuilder AddLogPipeInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(LogPipeTelemetry.Name);
    }
}
