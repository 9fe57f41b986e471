using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting;

/// <summary>
/// Refuses to start outside Development on the in-memory transport, or with consumers whose checkpoints live in process
/// memory, unless chosen on purpose (<c>UseInMemoryTransport()</c>, <c>UseInMemoryOffsets()</c>): a forgotten
/// <c>UseKafka()</c> or <c>UseEntityFrameworkOffsets&lt;T&gt;()</c> must not run production silently. In Development it
/// logs a warning instead. Without a host environment (services built by hand) there is nothing to judge by.
/// </summary>
internal sealed class InMemoryEnvironmentValidator(
    IServiceCollection services,
    LogPipeConfiguration configuration,
    IReadOnlyList<TransportRegistration> transports,
    IReadOnlyList<InMemoryOptIn> optIns,
    IHostEnvironment? environment,
    ILogger logger) : IValidateOptions<LogPipeOptions>
{
    private int _warned;

    public ValidateOptionsResult Validate(string? name, LogPipeOptions options)
    {
        if (environment is null) return ValidateOptionsResult.Success;
        string chosen;
        try
        {
            chosen = TransportSelector.Choose(transports, options.Transport);
        }
        catch (OptionsValidationException)
        {
            return ValidateOptionsResult.Success; // the transport choice's own validator reports it
        }

        var inMemoryTransport = transports.Any(t => t.IsInMemory && t.Name == chosen) && !optIns.Any(o => o.Transport);
        var inMemoryCheckpoints = configuration.Consumers.Count > 0 && options.EnableConsumers && !optIns.Any(o => o.Checkpoints)
            && services.LastOrDefault(d => d.ServiceType == typeof(ICheckpointStore) && !d.IsKeyedService)?.ImplementationType == typeof(InMemoryCheckpointStore);
        if (environment.IsDevelopment())
        {
            if (Interlocked.Exchange(ref _warned, 1) == 0)
            {
                if (inMemoryTransport) SetupLog.InMemoryTransport(logger, environment.EnvironmentName);
                if (inMemoryCheckpoints) SetupLog.InMemoryCheckpoints(logger, environment.EnvironmentName);
            }

            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (inMemoryTransport)
        {
            failures.Add($"No transport was added, so LogPipe would run on the in-memory transport in the '{environment.EnvironmentName}' environment and records would never leave this process. Call UseKafka() or UseKinesis() in AddLogPipe (or UseInMemoryTransport() if the in-memory transport is meant, as in tests and tools).");
        }

        if (inMemoryCheckpoints)
        {
            failures.Add($"No checkpoint store was chosen, so LogPipe would keep checkpoints in process memory in the '{environment.EnvironmentName}' environment and read from the start again after every restart. Call UseEntityFrameworkOffsets<TDbContext>() or UseKafkaOffsets() in AddLogPipe (or UseInMemoryOffsets() if in-memory checkpoints are meant).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
