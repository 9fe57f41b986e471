using LogPipe.Hosting.Consumers;
using Microsoft.Extensions.Hosting;

namespace LogPipe.Hosting;

/// <summary>The hosted service that runs all consumers round-robin for the life of the application.</summary>
internal sealed class LogPipeConsumerService : BackgroundService
{
    private readonly LogPipeConsumerRunner _runner;

    public LogPipeConsumerService(LogPipeConsumerRunner runner) => _runner = runner;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave the host's startup path before the first poll: sources may block while joining groups.
        await Task.Yield();
        await _runner.RunAsync(stoppingToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await _runner.DisposeAsync().ConfigureAwait(false);
    }
}
