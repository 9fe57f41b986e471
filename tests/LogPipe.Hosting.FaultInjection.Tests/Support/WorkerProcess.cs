using LogPipe.Hosting.FaultInjection.Worker;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>Starts the consumer worker (tests/LogPipe.Hosting.FaultInjection.Worker) as a child process.</summary>
public static class WorkerProcess
{
    /// <summary>Starts a worker on Kafka and returns once its host has started (it printed <c>started</c>).</summary>
    public static Task<ChildProcess> StartAsync(string bootstrapServers, string topic, string group, WorkerDatabase database) =>
        StartAsync(database, "--bootstrap", bootstrapServers, "--topic", topic, "--group", group);

    /// <summary>Starts a worker on Kinesis at <paramref name="endpoint"/> and returns once its host has started.</summary>
    public static Task<ChildProcess> StartKinesisAsync(Uri endpoint, string stream, string group, WorkerDatabase database) =>
        StartAsync(database, "--transport", WorkerArguments.Kinesis, "--endpoint", endpoint.ToString(), "--stream", stream, "--group", group);

    private static async Task<ChildProcess> StartAsync(WorkerDatabase database, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(database);
        var process = ChildProcess.Start(
            "LogPipe.Hosting.FaultInjection.Worker.dll",
            [.. arguments, "--database", database.Provider, "--connection", database.ConnectionString]);
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
