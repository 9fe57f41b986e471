using Confluent.Kafka;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// The time of a consumed Kafka record. A record's timestamp is whatever its producer (CreateTime) or broker
/// (LogAppendTime) wrote: any 64-bit number. One that is missing or that <see cref="DateTimeOffset"/> cannot hold
/// (before 1970 or 0, after year 9999) is replaced by the time it was received, so a foreign producer's bad clock never
/// stops a consumer.
/// </summary>
internal static class KafkaRecordTime
{
    private static readonly long MaxUnixMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static DateTimeOffset Of(Timestamp timestamp, DateTimeOffset receivedAt)
    {
        var ms = timestamp.UnixTimestampMs;
        return timestamp.Type == TimestampType.NotAvailable || ms <= 0 || ms > MaxUnixMilliseconds
            ? receivedAt
            : DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    /// <summary>As <see cref="Of(Timestamp, DateTimeOffset)"/>, reading the clock only for a record that needs it.</summary>
    public static DateTimeOffset Of(Timestamp timestamp, TimeProvider time)
    {
        var ms = timestamp.UnixTimestampMs;
        return timestamp.Type == TimestampType.NotAvailable || ms <= 0 || ms > MaxUnixMilliseconds
            ? time.GetUtcNow()
            : DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }
}
