using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka.DevBroker;

/// <summary>
/// Stops the host when standard input reaches its end, so a broker started by a test or script goes away
/// with its parent even if the parent dies without signalling it.
/// </summary>
/// <remarks>
/// Only a pipe or socket counts: a terminal would swallow keystrokes (and stop a background job with
/// SIGTTIN), and /dev/null or a file ends at once, which says nothing about the parent.
/// </remarks>
internal sealed class StandardInputWatcher(IHostApplicationLifetime lifetime, ILogger<StandardInputWatcher> logger) : BackgroundService
{
    /// <summary>Whether this process's standard input is one a parent can close.</summary>
    internal static bool StandardInputIsPipe()
    {
        if (!Console.IsInputRedirected)
        {
            return false;
        }

        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        var target = new FileInfo("/proc/self/fd/0").LinkTarget;
        return target is not null
            && (target.StartsWith("pipe:", StringComparison.Ordinal) || target.StartsWith("socket:", StringComparison.Ordinal));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var endOfInput = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // A blocking read on its own background thread: console reads ignore cancellation, and a background
        // thread does not keep the process alive once the host has stopped.
        var reader = new Thread(() =>
        {
            using var input = Console.OpenStandardInput();
            var buffer = new byte[256];
            while (input.Read(buffer) > 0)
            {
            }

            endOfInput.TrySetResult();
        })
        {
            IsBackground = true,
            Name = "stdin watcher",
        };
        reader.Start();

        await Task.WhenAny(endOfInput.Task, Task.Delay(Timeout.Infinite, stoppingToken)).ConfigureAwait(false);
        if (endOfInput.Task.IsCompleted)
        {
            DevBrokerLog.StandardInputClosed(logger);
            lifetime.StopApplication();
        }
    }
}
