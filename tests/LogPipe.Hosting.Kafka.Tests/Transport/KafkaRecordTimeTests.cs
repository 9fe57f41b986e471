using Confluent.Kafka;

namespace LogPipe.Hosting.Kafka.Tests.Transport;

public sealed class KafkaRecordTimeTests
{
    private static readonly DateTimeOffset Received = new(2026, 12, 6, 7, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(253402300800000L, TimestampType.CreateTime)] // one millisecond after DateTimeOffset.MaxValue
    [InlineData(long.MaxValue, TimestampType.CreateTime)]
    [InlineData(long.MinValue, TimestampType.CreateTime)]
    [InlineData(-1L, TimestampType.CreateTime)]
    [InlineData(0L, TimestampType.LogAppendTime)]
    [InlineData(1_700_000_000_000L, TimestampType.NotAvailable)]
    public void A_timestamp_a_date_cannot_hold_or_none_at_all_becomes_the_receive_time(long unixMs, TimestampType type) =>
        Assert.Equal(Received, KafkaRecordTime.Of(new Timestamp(unixMs, type), Received));

    [Theory]
    [InlineData(1L, TimestampType.CreateTime)]
    [InlineData(1_700_000_000_000L, TimestampType.LogAppendTime)]
    [InlineData(253402300799999L, TimestampType.CreateTime)] // DateTimeOffset.MaxValue, to the millisecond
    public void A_timestamp_a_date_can_hold_is_kept(long unixMs, TimestampType type) =>
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(unixMs), KafkaRecordTime.Of(new Timestamp(unixMs, type), Received));
}
