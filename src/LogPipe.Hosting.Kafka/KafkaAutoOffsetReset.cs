using System.ComponentModel;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// Where a partition without a stored checkpoint starts (<c>LogPipe:Kafka:AutoOffsetReset</c>, librdkafka's
/// <c>auto.offset.reset</c>). Configuration takes <c>earliest</c> or <c>latest</c>, in any case.
/// </summary>
[Description("earliest, latest")]
public enum KafkaAutoOffsetReset
{
    /// <summary>At the oldest record the partition still holds: replicate everything (the default).</summary>
    Earliest,

    /// <summary>After the newest record: only records written from now on.</summary>
    Latest,
}
