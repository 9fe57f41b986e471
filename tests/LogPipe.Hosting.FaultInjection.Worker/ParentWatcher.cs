using Microsoft.Extensions.Hosting;

namespace LogPipe.Hosting.FaultInjection.Worker;

/// <summary>
/// Stops the worker when its standard input (a pipe from the test) closes, so a worker outlives neither a finished nor a
/// crashed test run. SIGKILL, the fault under test, bypasses this of course.
/// </summary>
internal sealed class ParentWatcher(IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var endOfInput = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // A blocking read on a background thread: console reads ignore cancellation.
        var reader = new Thread(() =>
        {
            using var input = Console.OpenStandardInput();
            var buffer = new byte[64];
            while (input.Read(buffer) > 0)
            {
            }

            endOfInput.TrySetResult();
        })
        {
            IsBackground = true,
            Name = "parent watcher",
        };
        reader.Start();

        await Task.WhenAny(endOfInput.Task, Task.Delay(Timeout.Infinite, stoppingToken)).ConfigureAwait(false);
        if (endOfInput.Task.IsCompleted) lifetime.StopApplication();
    }
}
