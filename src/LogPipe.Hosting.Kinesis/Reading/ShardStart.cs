using System.Globalization;
using LogPipe.Hosting.Kinesis.Client.Model;

namespace LogPipe.Hosting.Kinesis.Reading;

/// <summary>Where a shard iterator starts: after a sequence number, at the oldest record, at the tip, or at a time.</summary>
internal readonly record struct ShardStart(ShardIteratorType Type, string? SequenceNumber = null, DateTimeOffset? Timestamp = null)
{
    public static ShardStart TrimHorizon => new(ShardIteratorType.TRIM_HORIZON);

    public static ShardStart Latest => new(ShardIteratorType.LATEST);

    public static ShardStart After(string sequenceNumber) => new(ShardIteratorType.AFTER_SEQUENCE_NUMBER, sequenceNumber);

    public static ShardStart At(DateTimeOffset timestamp) => new(ShardIteratorType.AT_TIMESTAMP, Timestamp: timestamp);

    /// <summary>The configured initial position (<see cref="KinesisOptions.InitialPosition"/>).</summary>
    public static ShardStart Initial(KinesisOptions options) => options.InitialPosition switch
    {
        KinesisInitialPosition.Latest => Latest,
        KinesisInitialPosition.AtTimestamp => At(options.InitialTimestamp ?? DateTimeOffset.UtcNow),
        _ => TrimHorizon,
    };

    public GetShardIteratorRequest ToRequest(string stream, string shardId) => new()
    {
        StreamName = stream,
        ShardId = shardId,
        ShardIteratorType = Type,
        StartingSequenceNumber = SequenceNumber,
        Timestamp = Timestamp?.UtcDateTime,
    };

    public override string ToString() =>
        SequenceNumber is not null ? $"{Type.Value} {SequenceNumber}"
        : Timestamp is { } t ? $"{Type.Value} {t.ToString("O", CultureInfo.InvariantCulture)}"
        : Type.Value;
}
