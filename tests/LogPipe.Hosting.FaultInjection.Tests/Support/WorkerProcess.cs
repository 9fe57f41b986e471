using LogPipe.Hosting.FaultInjection.Worker;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>Starts the consumer worker (tests/LogPipe.Hosting.FaultInjection.Worker) as a child process.</summary>
public static class WorkerProcess
{
    /// <summary>
    /// Starts a worker on Kafka and returns once its host has started (it printed <c>started</c>);
    /// <paramref name="options"/> are further worker arguments (<c>--save-delay-ms</c>, <c>--shutdown-timeout-ms</c>,
    /// <c>--set</c>: see <see cref="WorkerArguments"/>).
    /// </summary>
    public static Task<ChildProcess> StartAsync(string bootstrapServers, string topic, string group, WorkerDatabase database, params IEnumerable<string> options) =>
        StartAsync(database, ["--bootstrap", bootstrapServers, "--topic", topic, "--group", group, .. options]);

    /// <summary>
    /// Starts the writing service of the outbox scenarios (<c>--role writer</c>) on <paramref name="database"/>, relaying to
    /// <paramref name="topic"/>, and returns once its host has started; <paramref name="options"/> are further worker
    /// arguments (<c>--changes</c>, <c>--rollback-every</c>, <c>--writers</c>, <c>--rate</c>, <c>--set</c>).
    /// </summary>
    public static Task<ChildProcess> StartWriterAsync(string bootstrapServers, string topic, WorkerDatabase database, params IEnumerable<string> options) =>
        StartAsync(database, ["--role", WorkerArguments.Writer, "--bootstrap", bootstrapServers, "--topic", topic, "--group", "writer", .. options]);

    /// <summary>
    /// Starts a worker on Kinesis at <paramref name="endpoint"/> and returns once its host has started;
    /// <paramref name="options"/> are further worker arguments (<c>--set</c>, <c>--journal</c>).
    /// </summary>
    public static Task<ChildProcess> StartKinesisAsync(Uri endpoint, string stream, string group, WorkerDatabase database, params IEnumerable<string> options) =>
        StartAsync(database, ["--transport", WorkerArguments.Kinesis, "--endpoint", endpoint.ToString(), "--stream", stream, "--group", group, .. options]);

    /// <summary>
    /// Stops a worker with SIGTERM and waits up to <paramref name="patience"/> for it to exit: its exit code, how long it
    /// took, and its last line (<c>stopped still-running=… serialization-failures=… deadlocks=…</c>; empty if it printed none).
    /// </summary>
    public static async Task<WorkerStop> TerminateAsync(ChildProcess worker, TimeSpan patience)
    {
        ArgumentNullException.ThrowIfNull(worker);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var exitCode = await worker.TerminateAsync(patience);
        var elapsed = stopwatch.Elapsed;
        string last;
        try
        {
            last = await worker.ReadLineAsync(TimeSpan.FromSeconds(5));
        }
        catch (InvalidOperationException)
        {
            last = ""; // stdout closed without the line: the process did not get as far as printing it
        }

        return new WorkerStop(exitCode, elapsed, last, worker.StandardError);
    }

    private static async Task<ChildProcess> StartAsync(WorkerDatabase database, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(database);
        var process = ChildProcess.StartDotnet(
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
