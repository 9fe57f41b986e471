using System.Globalization;

namespace LogPipe.Hosting.Kafka.DevBroker;

/// <summary>The command line, parsed: <c>--brokers N --partitions N --topic name[:partitions[:replication]] --no-stdin</c>.</summary>
internal sealed record DevBrokerArguments(int Brokers, int DefaultPartitions, IReadOnlyList<TopicArgument> Topics, bool WatchStandardInput)
{
    internal const string Usage = """
        Usage: LogPipe.Hosting.Kafka.DevBroker [options]

        Runs an in-memory development Kafka cluster on 127.0.0.1 until SIGINT/SIGTERM, or until standard
        input (a pipe from the parent process) closes. The first line on stdout is
        bootstrap.servers=<host:port,...>; logs go to stderr. Never for production.

        Options:
          --brokers N                          number of brokers (default 3)
          --partitions N                       partitions of a --topic that gives none (default 4)
          --topic NAME[:PARTITIONS[:REPLICAS]] create a topic at start; repeatable
          --no-stdin                           do not stop when standard input closes
          -h, --help                           show this text
        """;

    /// <summary>Parses <paramref name="args"/>; returns null and an error message when they are invalid.</summary>
    internal static DevBrokerArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        var brokers = 3;
        var partitions = 4;
        var watch = true;
        var topics = new List<(string Name, int? Partitions, int? Replicas)>();
        error = null;

        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--brokers" when TryPositive(args, ++i, out var value):
                    brokers = value;
                    break;
                case "--partitions" when TryPositive(args, ++i, out var value):
                    partitions = value;
                    break;
                case "--topic" when i + 1 < args.Count && TryTopic(args[++i], out var topic):
                    topics.Add(topic);
                    break;
                case "--no-stdin":
                    watch = false;
                    break;
                default:
                    error = $"Invalid argument near '{args[Math.Min(i, args.Count - 1)]}'.";
                    return null;
            }
        }

        var resolved = topics
            .Select(t => new TopicArgument(t.Name, t.Partitions ?? partitions, t.Replicas ?? Math.Min(3, brokers)))
            .ToList();
        var tooManyReplicas = resolved.FirstOrDefault(t => t.Replicas > brokers);
        if (tooManyReplicas is not null)
        {
            error = $"Topic '{tooManyReplicas.Name}' asks for {tooManyReplicas.Replicas} replicas but there are {brokers} brokers.";
            return null;
        }

        return new DevBrokerArguments(brokers, partitions, resolved, watch);
    }

    private static bool TryPositive(IReadOnlyList<string> args, int index, out int value)
    {
        value = 0;
        return index < args.Count && TryPositive(args[index], out value);
    }

    private static bool TryPositive(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;

    private static bool TryTopic(string text, out (string Name, int? Partitions, int? Replicas) topic)
    {
        topic = default;
        var parts = text.Split(':');
        if (parts.Length > 3 || parts[0].Length == 0)
        {
            return false;
        }

        int? partitions = null, replicas = null;
        if (parts.Length > 1)
        {
            if (!TryPositive(parts[1], out var p))
            {
                return false;
            }

            partitions = p;
        }

        if (parts.Length > 2)
        {
            if (!TryPositive(parts[2], out var r))
            {
                return false;
            }

            replicas = r;
        }

        topic = (parts[0], partitions, replicas);
        return true;
    }
}
