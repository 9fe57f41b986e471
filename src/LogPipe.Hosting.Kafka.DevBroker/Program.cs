using LogPipe.Hosting.Kafka.DevBroker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

if (args is ["-h"] or ["--help"])
{
    Console.WriteLine(DevBrokerArguments.Usage);
    return 0;
}

var arguments = DevBrokerArguments.Parse(args, out var error);
if (arguments is null)
{
    await Console.Error.WriteLineAsync(error + Environment.NewLine + Environment.NewLine + DevBrokerArguments.Usage).ConfigureAwait(false);
    return 2;
}

// Only a pipe from the parent can tell us it went away; see StandardInputWatcher.
arguments = arguments with { WatchStandardInput = arguments.WatchStandardInput && StandardInputWatcher.StandardInputIsPipe() };

// Arguments are ours, not configuration keys: a repeated --topic must not collapse into one value. No default
// configuration either: it would read appsettings*.json from the working directory and watch that directory and all
// below it for changes, so every file a test or benchmark writes beside the broker (a SQLite database's log, a build's
// output) would cost the broker a stat and a match, and a large tree could exhaust the user's inotify watches.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });

// stdout carries only the bootstrap line, so scripts can read it; every log line goes to stderr.
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

builder.Services.AddSingleton(arguments);
builder.Services.AddSingleton(Console.Out);
builder.Services.AddHostedService<DevBrokerService>();
if (arguments.WatchStandardInput)
{
    builder.Services.AddHostedService<StandardInputWatcher>();
}

using var host = builder.Build();
try
{
    await host.RunAsync().ConfigureAwait(false);
    return 0;
}
catch (Exception e) when (e is Confluent.Kafka.KafkaException or ArgumentException or DllNotFoundException or InvalidOperationException)
{
    await Console.Error.WriteLineAsync("The development Kafka broker could not start: " + e.Message).ConfigureAwait(false);
    return 1;
}
