namespace LogPipe.Hosting.Diagnostics;

/// <summary>
/// Attribute names and values of OpenTelemetry's messaging semantic conventions, spelled once for spans and metrics.
/// LogPipe's own attributes (no convention equivalent) carry the <c>logpipe.</c> prefix.
/// </summary>
internal static class MessagingAttributes
{
    public const string System = "messaging.system";
    public const string OperationType = "messaging.operation.type";
    public const string OperationName = "messaging.operation.name";
    public const string DestinationName = "messaging.destination.name";
    public const string PartitionId = "messaging.destination.partition.id";
    public const string ConsumerGroupName = "messaging.consumer.group.name";
    public const string KafkaOffset = "messaging.kafka.offset";
    public const string KafkaMessageKey = "messaging.kafka.message.key";
    public const string MessageId = "messaging.message.id";
    public const string BatchMessageCount = "messaging.batch.message_count";
    public const string ErrorType = "error.type";
    public const string MessageType = "logpipe.message_type";
    public const string Version = "logpipe.version";
    public const string Outcome = "logpipe.outcome";
    public const string ErrorKind = "logpipe.error_kind";

    /// <summary>Operation type and name of a send (<c>messaging.operation.type</c>, <c>messaging.operation.name</c>).</summary>
    public const string Send = "send";

    /// <summary>Operation type and name of applying a record.</summary>
    public const string Process = "process";

    /// <summary>Operation name of taking records from the transport (Kafka's poll, Kinesis's GetRecords alike).</summary>
    public const string Poll = "poll";

    /// <summary><c>error.type</c> of an exception: its full type name, as the conventions ask.</summary>
    public static string ErrorTypeOf(Exception exception) => exception.GetType().FullName ?? exception.GetType().Name;
}
