using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace LogPipe.Sample;

/// <summary>Exports LogPipe's metrics and traces with OpenTelemetry: <c>Telemetry:Exporter</c> = none, console or otlp.</summary>
public static class SampleTelemetry
{
    public static IServiceCollection AddSampleTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var exporter = configuration["Telemetry:Exporter"] ?? "none";
        if (exporter == "none") return services;
        var otlpEndpoint = configuration["Telemetry:OtlpEndpoint"];
        services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddLogPipeInstrumentation().AddAspNetCoreInstrumentation();
                if (exporter == "otlp") metrics.AddOtlpExporter(o => { if (otlpEndpoint is not null) o.Endpoint = new Uri(otlpEndpoint); });
                else metrics.AddConsoleExporter();
            })
            .WithTracing(tracing =>
            {
                tracing.AddLogPipeInstrumentation().AddAspNetCoreInstrumentation();
                if (exporter == "otlp") tracing.AddOtlpExporter(o => { if (otlpEndpoint is not null) o.Endpoint = new Uri(otlpEndpoint); });
                else tracing.AddConsoleExporter();
            });
        return services;
    }
}
