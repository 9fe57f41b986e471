using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kinesis;

/// <summary>
/// The Kinesis transport's log events (ids 3100–3199, stable; the client's are 3000–3099). Never with credentials or
/// record contents: streams, shards, sequence numbers, counts and error codes only.
/// </summary>
internal static partial class KinesisLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Kinesis transport uses region {Region} for consumer group {ConsumerGroup}; checkpoints are kept under '{CheckpointScope}'")]
    public static partial void TransportCreated(ILogger logger, string region, string consumerGroup, string checkpointScope);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Reading Kinesis stream {Stream}: {ShardCount} shards, {Reading} read now, {Waiting} wait for their parents")]
    public static partial void SourceStarted(ILogger logger, string stream, int shardCount, int reading, int waiting);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "Reading {Stream}[{Shard}] from {Position} (generation {Generation})")]
    public static partial void ShardReading(ILogger logger, string stream, string shard, string position, long generation);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "{Stream}[{Shard}] is closed and read to its end; its children start once its last record is applied")]
    public static partial void ShardEnded(ILogger logger, string stream, string shard);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "{Stream}[{Shard}] is finished: every record of it is applied")]
    public static partial void ShardFinished(ILogger logger, string stream, string shard);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Information, Message = "Found new shards of {Stream}: {Shards}")]
    public static partial void ShardsDiscovered(ILogger logger, string stream, string shards);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "The iterator of {Stream}[{Shard}] expired; getting a new one from {Position}")]
    public static partial void IteratorExpired(ILogger logger, string stream, string shard, string position);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning, Message = "GetRecords on {Stream}[{Shard}] was throttled ({ErrorCode}); next call in {DelayMs} ms")]
    public static partial void ReadThrottled(ILogger logger, string stream, string shard, string errorCode, long delayMs);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Warning, Message = "Reading {Stream}[{Shard}] failed ({ErrorCode}: {Reason}); retrying in {DelayMs} ms")]
    public static partial void ReadFailed(ILogger logger, string stream, string shard, string errorCode, string reason, long delayMs);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Information, Message = "Rewound {Stream}[{Shard}] to its stored checkpoint {SequenceNumber}; records read but not applied are read again")]
    public static partial void ShardRewound(ILogger logger, string stream, string shard, string sequenceNumber);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "Listing the shards of {Stream} failed ({ErrorCode}: {Reason}); trying again in {DelayMs} ms")]
    public static partial void DiscoveryFailed(ILogger logger, string stream, string errorCode, string reason, long delayMs);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Error, Message = "Starting shards of {Stream} failed ({Reason}); trying again in {DelayMs} ms")]
    public static partial void StartShardsFailed(ILogger logger, Exception exception, string stream, string reason, long delayMs);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Warning, Message = "Rewinding {Stream}[{Shard}] failed ({Reason}); the shard starts again from its checkpoint once the checkpoint store answers")]
    public static partial void RewindFailed(ILogger logger, Exception exception, string stream, string shard, string reason);

    [LoggerMessage(EventId = 3120, Level = LogLevel.Warning, Message = "PutRecords to {Stream}: {Failed} of {Count} records failed ({ErrorCode}); retrying them after backoff")]
    public static partial void PutPartiallyFailed(ILogger logger, string stream, int failed, int count, string errorCode);

    [LoggerMessage(EventId = 3121, Level = LogLevel.Warning, Message = "PutRecords to {Stream} with {Count} records failed ({ErrorCode}: {Reason}); retryable: {Retryable}")]
    public static partial void PutCallFailed(ILogger logger, string stream, int count, string errorCode, string reason, bool retryable);

    [LoggerMessage(EventId = 3122, Level = LogLevel.Error, Message = "{Failed} of {Count} records for {Stream} were not stored ({ErrorCode}) after up to {Attempts} attempts; the send fails")]
    public static partial void SendFailed(ILogger logger, string stream, int failed, int count, string errorCode, int attempts);

    [LoggerMessage(EventId = 3123, Level = LogLevel.Warning, Message = "Kinesis records have no headers: the headers of records sent to {Stream} are not stored (logged once)")]
    public static partial void HeadersDropped(ILogger logger, string stream);

    [LoggerMessage(EventId = 9000, Level = LogLevel.Warning, Message = "The checkpoint store {CheckpointStore} keeps no shard leases: this instance reads every shard of {Stream}; run one consuming instance per consumer group, or use UseEntityFrameworkOffsets<TDbContext>() so instances split the shards")]
    public static partial void LeasesUnavailable(ILogger logger, string stream, string checkpointStore);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Took the lease of {Stream}[{Shard}] ({Reason}; was held by {PreviousOwner}); this instance {Owner} now holds {Held}")]
    public static partial void LeaseTaken(ILogger logger, string stream, string shard, string reason, string previousOwner, string owner, int held);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Lost the lease of {Stream}[{Shard}] to another instance; records read but not applied are dropped, and its checkpoint is not written by this instance")]
    public static partial void LeaseLost(ILogger logger, string stream, string shard);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "Released {Count} shard leases of {Stream}, so other instances take them at once")]
    public static partial void LeasesReleased(ILogger logger, string stream, int count);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Warning, Message = "Renewing or taking the shard leases of {Stream} failed ({Reason}); trying again in {DelayMs} ms")]
    public static partial void LeaseRoundFailed(ILogger logger, Exception exception, string stream, string reason, long delayMs);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Information, Message = "{Stream}[{Shard}] is finished; its lease is marked so, and its children may be taken by any instance")]
    public static partial void LeaseFinished(ILogger logger, string stream, string shard);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Warning, Message = "The checkpoint write of {Stream}[{Shard}] was refused because another instance holds its lease now; this instance stops reading the shard at once")]
    public static partial void LeaseLostAtCommit(ILogger logger, string stream, string shard);

    [LoggerMessage(EventId = 9007, Level = LogLevel.Information, Message = "Asked {Holder} to hand over the lease of {Stream}[{Shard}] to this instance {Owner}, to balance the shards")]
    public static partial void LeaseRequested(ILogger logger, string stream, string shard, string holder, string owner);

    [LoggerMessage(EventId = 9008, Level = LogLevel.Information, Message = "Handing over the lease of {Stream}[{Shard}] to {WantedBy}: reading stopped, released once what was read is committed")]
    public static partial void LeaseHandOverStarted(ILogger logger, string stream, string shard, string wantedBy);

    [LoggerMessage(EventId = 9009, Level = LogLevel.Information, Message = "Handed over the lease of {Stream}[{Shard}] ({How})")]
    public static partial void LeaseHandedOver(ILogger logger, string stream, string shard, string how);
}
