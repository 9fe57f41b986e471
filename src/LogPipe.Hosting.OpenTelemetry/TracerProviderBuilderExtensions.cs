using LogPipe.Hosting;

// OpenTelemetry's instrumentation packages put their builder extensions in the builder's namespace, where users look.
#pragma warning disable IDE0130
namespace OpenTelemetry.Trace;
#pragma warning restore IDE0130

/// <summary>Adds LogPipe's spans to OpenTelemetry tracing.</summary>
public static class TracerProviderBuilderExtensions
{
    /// <summary>
    /// Listens to LogPipe's activity source (<see cref="LogPipeTelemetry.Name"/>): a <c>send {topic}</c> span per send and
    /// per outbox batch relayed, a <c>process {topic}</c> span per record applied, named and attributed by OpenTelemetry's
    /// messaging semantic conventions. Context and baggage travel in Kafka record headers through
    /// <see cref="System.Diagnostics.DistributedContextPropagator.Current"/>.
    /// </summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static TracerProviderBuilder AddLogPipeInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(LogPipeTelemetry.Name);
    }
}
