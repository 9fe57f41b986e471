using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Consumers;

/// <summary>The consumer service's log events. Event ids are stable: dashboards and alerts may key on them.</summary>
internal static partial class ConsumerLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "LogPipe consumer service started on {Transport} with {ConsumerCount} consumers ({Streams}) as group {ConsumerGroup}")]
    public static partial void Started(ILogger logger, string transport, int consumerCount, string streams, string consumerGroup);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "LogPipe consumer service stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Skipped ignored message type {MessageType} version {Version} at {Topic}[{Partition}]@{Offset}")]
    public static partial void IgnoredType(ILogger logger, string topic, string partition, long offset, string? messageType, int? version);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Skipped record at {Topic}[{Partition}]@{Offset} (type {MessageType}, version {Version}): {ErrorKind}: {Error}")]
    public static partial void MessageError(ILogger logger, string topic, string partition, long offset, string? messageType, int? version, MessageErrorKind errorKind, string error);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Debug, Message = "Applied {MessageType} version {Version} from {Topic}[{Partition}]@{Offset}")]
    public static partial void Applied(ILogger logger, string topic, string partition, long offset, string? messageType, int? version);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "Saving record at {Topic}[{Partition}]@{Offset} failed (attempt {Attempt} of {MaxAttempts}); retrying in {BackoffMs} ms")]
    public static partial void SaveFailedWillRetry(ILogger logger, Exception exception, string topic, string partition, long offset, int attempt, int maxAttempts, long backoffMs);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Error, Message = "Saving record at {Topic}[{Partition}]@{Offset} (type {MessageType}, version {Version}) failed {Attempts} times; kept as a dead letter and skipped")]
    public static partial void SaveFailedDeadLettered(ILogger logger, Exception exception, string topic, string partition, long offset, string? messageType, int? version, int attempts);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Critical, Message = "Saving record at {Topic}[{Partition}]@{Offset} failed {Attempts} times; the failure policy stops the consumer service. The checkpoint did not move: the record is applied again after a restart")]
    public static partial void SaveFailedStopping(ILogger logger, Exception exception, string topic, string partition, long offset, int attempts);

    [LoggerMessage(EventId = 1023, Level = LogLevel.Warning, Message = "Unit of work of {RecordCount} records abandoned after a transient failure; nothing moved, retrying in {BackoffMs} ms")]
    public static partial void UnitAbandoned(ILogger logger, Exception exception, int recordCount, long backoffMs);

    [LoggerMessage(EventId = 1024, Level = LogLevel.Warning, Message = "Checkpoint write fenced for {Partitions}: another instance moved them on. The unit of work was rolled back; rewinding to the stored checkpoint")]
    public static partial void CheckpointConflict(ILogger logger, string partitions);

    [LoggerMessage(EventId = 1025, Level = LogLevel.Information, Message = "A batched unit of work of {RecordCount} records failed and was rolled back; applying its records one by one")]
    public static partial void BatchFellBack(ILogger logger, Exception exception, int recordCount);

    [LoggerMessage(EventId = 1026, Level = LogLevel.Error, Message = "The consumer loop failed while a unit of work of {RecordCount} records was committing, and settling that commit failed too")]
    public static partial void CommitInFlightFailed(ILogger logger, Exception exception, int recordCount);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Debug, Message = "Committed unit of work: {RecordCount} records, {PartitionCount} checkpoints, {ElapsedMs} ms")]
    public static partial void UnitCommitted(ILogger logger, int recordCount, int partitionCount, long elapsedMs);

    [LoggerMessage(EventId = 1061, Level = LogLevel.Error, Message = "Saving record at {Topic}[{Partition}]@{Offset} did not return {GraceMs} ms after its {TimeoutMs} ms bound cancelled it; it is left running, its unit of work of {RecordCount} records is rolled back and the try counts as attempt {Attempt} of {MaxAttempts}")]
    public static partial void SaveAbandoned(ILogger logger, string topic, string partition, long offset, long graceMs, long timeoutMs, int recordCount, int attempt, int maxAttempts);

    [LoggerMessage(EventId = 1062, Level = LogLevel.Warning, Message = "Saving record at {Topic}[{Partition}]@{Offset} failed with a transient error ({TransientFailures} of {MaxTransientRetries} not counted as attempts); retrying in {BackoffMs} ms")]
    public static partial void SaveFailedTransientWillRetry(ILogger logger, Exception exception, string topic, string partition, long offset, int transientFailures, int maxTransientRetries, long backoffMs);

    [LoggerMessage(EventId = 1063, Level = LogLevel.Warning, Message = "Rolling back the unit of work left to a save that ignored its timeout failed")]
    public static partial void HungUnitDisposeFailed(ILogger logger, Exception exception);
}
