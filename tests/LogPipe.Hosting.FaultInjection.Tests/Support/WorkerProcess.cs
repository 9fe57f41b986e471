using LogPipe.Hosting.FaultInjection.Worker;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>Starts the consumer worker (tests/LogPipe.Hosting.FaultInjection.Worker) as a child process.</summary>
public static class WorkerProcess
{
    /// <summary>Starts a worker and returns once its host has started (it printed <c>started</c>).</summary>
    public static async Task<ChildProcess> StartAsync(string bootstrapServers, string topic, string group, WorkerDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var process = ChildProcess.Start(
            "LogPipe.Hosting.FaultInjection.Worker.dll",
            "--bootstrap", bootstrapServers, "--topic", topic, "--group", group, "--database", database.Provider, "--connection", database.ConnectionString);
        try
        {
            var line = await process.ReadLineAsync(TimeSpan.FromSeconds(60));
            Assert.StartsWith("started", line, StringComparison.Ordinal);
            return process;
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }
}
