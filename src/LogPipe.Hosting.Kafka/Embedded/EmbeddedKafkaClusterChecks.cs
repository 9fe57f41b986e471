using System.Net;

namespace LogPipe.Hosting.Kafka.Embedded;

/// <summary>
/// What <see cref="EmbeddedKafkaCluster"/> checks before it starts or creates a topic: options in range, topic names Kafka
/// accepts, and listeners on loopback addresses only. Each failure names the option, the topic or the listener.
/// </summary>
internal static class EmbeddedKafkaClusterChecks
{
    private const int MaxTopicNameLength = 249;

    /// <summary>Broker and partition counts of at least one, durations librdkafka can take, valid topics.</summary>
    public static void Options(EmbeddedKafkaClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BrokerCount, 1, nameof(options) + "." + nameof(options.BrokerCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.DefaultPartitionCount, 1, nameof(options) + "." + nameof(options.DefaultPartitionCount));
        Duration(options.GroupInitialRebalanceDelay, nameof(options.GroupInitialRebalanceDelay));
        Duration(options.ConsumerGroupSessionTimeout, nameof(options.ConsumerGroupSessionTimeout));
        Duration(options.ConsumerGroupHeartbeatInterval, nameof(options.ConsumerGroupHeartbeatInterval));
        foreach (var (topic, partitions) in options.Topics)
        {
            TopicName(topic);
            ArgumentOutOfRangeException.ThrowIfNegative(partitions, $"{nameof(options)}.{nameof(options.Topics)}[{topic}]");
        }
    }

    /// <summary>1–249 of <c>a-z A-Z 0-9 . _ -</c>, and neither <c>.</c> nor <c>..</c>.</summary>
    public static void TopicName(string topic)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        if (topic.Length > MaxTopicNameLength || topic is "." or ".." || !topic.All(IsTopicChar))
        {
            throw new ArgumentException($"'{topic}' is not a valid Kafka topic name: use 1–249 of a-z A-Z 0-9 . _ -.", nameof(topic));
        }

        static bool IsTopicChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
    }

    /// <summary>Fails closed: a development broker must never listen where another machine could reach it.</summary>
    public static void LoopbackOnly(string bootstrapServers)
    {
        var servers = bootstrapServers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var server in servers)
        {
            var colon = server.LastIndexOf(':');
            var host = colon > 0 ? server[..colon].Trim('[', ']') : server;
            if (!IPAddress.TryParse(host, out var address) || !IPAddress.IsLoopback(address))
            {
                throw new InvalidOperationException($"The embedded Kafka broker listens on '{server}', which is not a loopback address.");
            }
        }

        if (servers.Length == 0)
        {
            throw new InvalidOperationException("The embedded Kafka broker reported no listeners.");
        }
    }

    private static void Duration(TimeSpan? value, string name)
    {
        if (value is { } duration && (duration < TimeSpan.Zero || duration.TotalMilliseconds > int.MaxValue))
        {
            throw new ArgumentOutOfRangeException("options." + name, duration, "Must be between zero and int.MaxValue milliseconds.");
        }
    }
}
