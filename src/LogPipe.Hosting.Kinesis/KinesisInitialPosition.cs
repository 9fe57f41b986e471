using System.ComponentModel;

namespace LogPipe.Hosting.Kinesis;

/// <summary>
/// Where a shard without a stored checkpoint starts (<c>LogPipe:Kinesis:InitialPosition</c>). Configuration takes the
/// names or Kinesis's own spellings, in any case: <c>TRIM_HORIZON</c>, <c>LATEST</c>, <c>AT_TIMESTAMP</c>.
/// </summary>
[TypeConverter(typeof(KinesisInitialPositionConverter))]
[Description("TRIM_HORIZON, LATEST, AT_TIMESTAMP")]
public enum KinesisInitialPosition
{
    /// <summary>At the oldest record the stream still keeps (<c>TRIM_HORIZON</c>, the default).</summary>
    TrimHorizon,

    /// <summary>After the newest record: only records written from now on (<c>LATEST</c>).</summary>
    Latest,

    /// <summary>At the records that arrived at or after <see cref="KinesisOptions.InitialTimestamp"/> (<c>AT_TIMESTAMP</c>).</summary>
    AtTimestamp,
}
