namespace LogPipe.Hosting.Kafka.DevBroker;

/// <summary>A topic to create at start, from <c>--topic name[:partitions[:replicas]]</c>.</summary>
internal sealed record TopicArgument(string Name, int Partitions, int Replicas);
