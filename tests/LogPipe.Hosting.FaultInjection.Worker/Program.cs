using LogPipe.Hosting.FaultInjection.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The consumer process of the crash scenarios (Kafka or Kinesis): runs until SIGTERM, stdin closing, or the SIGKILL it exists for.
var arguments = WorkerArguments.Parse(args, out var error);
if (arguments is null)
{
    await Console.Error.WriteLineAsync(error + Environment.NewLine + WorkerArguments.Usage).ConfigureAwait(false);
    return 2;
}

var builder = ConsumerHost.CreateBuilder(arguments.Stream, arguments.Database, arguments.Settings());

// stdout carries only the "started" line the test waits for; logs go to stderr, warnings and up.
builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Services.AddHostedService<ParentWatcher>();

using var host = builder.Build();
await host.StartAsync().ConfigureAwait(false);
Console.WriteLine("started pid=" + Environment.ProcessId);
await host.WaitForShutdownAsync().ConfigureAwait(false);
return 0;
