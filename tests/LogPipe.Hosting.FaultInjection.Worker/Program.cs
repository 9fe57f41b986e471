using LogPipe.Hosting.FaultInjection.Worker;
using LogPipe.Hosting.FaultInjection.Worker.Outbox;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The consumer process of the crash and shutdown scenarios (Kafka or Kinesis), or the writing service of the outbox
// scenarios (--role writer): runs until SIGTERM, stdin closing, or the SIGKILL it exists for.
var arguments = WorkerArguments.Parse(args, out var error);
if (arguments is null)
{
    await Console.Error.WriteLineAsync(error + Environment.NewLine + WorkerArguments.Usage).ConfigureAwait(false);
    return 2;
}

var serializationFailures = new SerializationFailureCounter();
List<IInterceptor> interceptors = [new FaultySaves(arguments.SaveDelay), serializationFailures];
var writing = arguments.Role == WorkerArguments.Writer;
using var journal = arguments.Journal is { } journalPath ? new HandedRecordsJournal(journalPath) : null;
var probe = new LogPipe.Hosting.TestSupport.Probe { Saving = journal is null ? null : journal.Handed };
var builder = writing
    ? WriterHost.CreateBuilder(arguments.Stream, arguments.Database, arguments.Settings())
    : ConsumerHost.CreateBuilder(arguments.Stream, arguments.Database, arguments.Settings(), probe, interceptors);

// stdout carries only the "started" and "stopped" lines the test waits for; logs go to stderr, warnings and up.
// LOGPIPE_WORKER_LOG_LEVEL (Debug, Information...) lowers the threshold, to see what a worker went through.
builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(
    Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("LOGPIPE_WORKER_LOG_LEVEL"), out var level) ? level : LogLevel.Warning);
// A journaling worker also logs how its shard leases move (taken, lost, released), for the duplicated work's causes.
if (journal is not null) builder.Logging.AddFilter("LogPipe.Hosting.Kinesis.Consumer", LogLevel.Information);
builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = arguments.ShutdownTimeout);
builder.Services.AddHostedService<ParentWatcher>();

using var host = builder.Build();
await host.StartAsync().ConfigureAwait(false);
Console.WriteLine("started pid=" + Environment.ProcessId);
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
var writer = writing ? new OutboxWriter(host.Services, arguments.WriterSettings) : null;

// A writer that fails (a database error it does not retry) stops the process, and the exception makes it exit non-zero.
var writes = writer?.RunAsync(lifetime.ApplicationStopping) ?? Task.CompletedTask;
_ = writes.ContinueWith(w => lifetime.StopApplication(), TaskContinuationOptions.OnlyOnFaulted);
if (writer is not null) _ = WatchAsync(writer, lifetime.ApplicationStopping);
await host.WaitForShutdownAsync().ConfigureAwait(false);
try
{
    await writes.ConfigureAwait(false);
}
catch (OperationCanceledException)
{
    // stopped while writing: the transaction in flight rolled back
}

// A service whose loop is still running was abandoned by the host when its shutdown timeout ran out: say so, and exit
// with 3 rather than the 0 of a clean stop.
var stillRunning = host.Services.GetServices<IHostedService>().OfType<BackgroundService>()
    .Where(s => s.ExecuteTask is { IsCompleted: false })
    .Select(s => s.GetType().Name)
    .ToList();
Console.WriteLine($"stopped still-running={(stillRunning.Count == 0 ? "none" : string.Join(",", stillRunning))} serialization-failures={serializationFailures.Count} deadlocks={serializationFailures.Deadlocks}"
    + (writer is null ? "" : $" committed={writer.Committed} rolled-back={writer.RolledBack} conflicts={writer.Conflicts}"));
return stillRunning.Count == 0 ? 0 : 3;

// A writer that committed nothing for 20 s says what each of its loops is doing, on stderr at any log level.
static async Task WatchAsync(OutboxWriter writer, CancellationToken stopping)
{
    var last = -1;
    var still = 0;
    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
    while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
    {
        var committed = writer.Committed;
        still = committed == last ? still + 1 : 0;
        last = committed;
        if (still > 0 && still % 4 == 0 && writer.Writing) await Console.Error.WriteLineAsync($"stalled: committed={committed} for 20 s; {writer.Steps}").ConfigureAwait(false);
    }
}
