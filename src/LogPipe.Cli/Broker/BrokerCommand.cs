using System.CommandLine;
using LogPipe.Hosting.Kafka.Embedded;
using Microsoft.Extensions.Logging;

namespace LogPipe.Cli.Broker;

/// <summary>
/// <c>logpipe broker</c>: the embedded development Kafka broker in the foreground, for a service and this tool to share.
/// The first stdout line is <c>bootstrap.servers=…</c> (topics exist by then); logs go to stderr; Ctrl+C or SIGTERM stops it.
/// </summary>
internal static class BrokerCommand
{
    private static readonly Option<int> Brokers = new("--brokers") { Description = "Number of brokers.", HelpName = "N", DefaultValueFactory = _ => 3 };

    private static readonly Option<int> Partitions = new("--partitions")
    {
        Description = "Partitions of a --topic that names none.",
        HelpName = "N",
        DefaultValueFactory = _ => 4,
    };

    private static readonly Option<TopicSpec[]> Topics = new("--topic")
    {
        Description = "Create this topic at start (repeatable).",
        HelpName = "name[:partitions]",
        CustomParser = TopicSpec.Parse,
        Arity = ArgumentArity.OneOrMore,
    };

    public static Command Create()
    {
        foreach (var option in new[] { Brokers, Partitions })
        {
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < 1) r.AddError($"{option.Name} must be at least 1.");
            });
        }

        var command = new Command("broker", "Run the in-memory development Kafka broker on 127.0.0.1 until Ctrl+C or SIGTERM. Never for production.")
        {
            Brokers, Partitions, Topics,
        };
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        using var loggers = LoggerFactory.Create(b => b
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(o => o.SingleLine = true));
        var logger = loggers.CreateLogger("logpipe.broker");
        var options = new EmbeddedKafkaClusterOptions
        {
            BrokerCount = context.Parse.GetValue(Brokers),
            DefaultPartitionCount = context.Parse.GetValue(Partitions),
        };
        EmbeddedKafkaCluster cluster;
        try
        {
            cluster = EmbeddedKafkaCluster.Start(options, logger);
        }
        catch (Exception ex) when (ex is Confluent.Kafka.KafkaException or DllNotFoundException or InvalidOperationException)
        {
            throw new CommandException(ExitCodes.Failed, "The development Kafka broker could not start: " + ex.Message, ex);
        }

        using (cluster)
        {
            foreach (var topic in context.Parse.GetValue(Topics) ?? [])
            {
                try
                {
                    cluster.CreateTopic(topic.Name, topic.Partitions ?? options.DefaultPartitionCount);
                }
                catch (ArgumentException ex)
                {
                    throw CommandException.Usage($"Cannot create topic '{topic.Name}' (--topic): {ex.Message}");
                }
            }

            // Scripts read this line; topics exist before it appears.
            await context.Out.WriteLineAsync("bootstrap.servers=" + cluster.BootstrapServers).ConfigureAwait(false);
            await context.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: the normal way to stop.
            }
        }

        return ExitCodes.Success;
    }
}
