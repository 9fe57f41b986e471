using LogPipe.Hosting.Producers;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// Which send failures no retry can fix: the record is too large, or its topic or stream does not exist or may not be
/// written. The relay sets such entries aside; every other failure is retried with backoff.
/// </summary>
internal static class OutboxSendErrors
{
    private static readonly HashSet<string> Permanent = new(StringComparer.Ordinal)
    {
        // Kafka (librdkafka's error code names).
        "Local_MsgSizeTooLarge", "MsgSizeTooLarge", "Broker_MsgSizeTooLarge", "Local_UnknownTopic", "Local_UnknownPartition",
        "Broker_TopicAuthorizationFailed", "Broker_InvalidRecord", "Broker_RecordListTooLarge", "Broker_TopicException",
        "Broker_InvalidMsg", "Broker_InvalidRequiredAcks", "Local_InvalidArg",

        // Kinesis.
        "RecordTooLarge", "ResourceNotFoundException", "ValidationException", "AccessDeniedException", "InvalidArgumentException",
        "KMSDisabledException", "KMSInvalidStateException", "KMSNotFoundException", "KMSAccessDeniedException", "KMSOptInRequired",
    };

    public static bool IsPermanent(Exception exception) => exception switch
    {
        RecordSendException send => Permanent.Contains(send.ErrorCode),
        ArgumentException => true,
        _ => false,
    };
}
