using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka;

/// <summary>The Kafka transport's log events (ids 2000–2099, stable). Messages pass through the secret redactor first.</summary>
internal static partial class KafkaLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Kafka {Client} created: {Configuration}")]
    public static partial void ClientCreated(ILogger logger, string client, string configuration);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Kafka {Client} error {Code}: {Reason}")]
    public static partial void ClientError(ILogger logger, string client, string code, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Kafka {Client} fatal error {Code}: {Reason}")]
    public static partial void ClientFatal(ILogger logger, string client, string code, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug, Message = "librdkafka {Client} [{Facility}] {Message}")]
    public static partial void Librdkafka(ILogger logger, string client, string facility, string message);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Assigned {Topic} partitions {Partitions} to this instance of group {GroupId}; starting at {Offsets}")]
    public static partial void Assigned(ILogger logger, string topic, string partitions, string groupId, string offsets);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Revoked {Topic} partitions {Partitions} from this instance of group {GroupId} (lost: {Lost})")]
    public static partial void Revoked(ILogger logger, string topic, string partitions, string groupId, bool lost);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Consuming {Topic} failed ({Code}: {Reason}); keeping the position and going on")]
    public static partial void ConsumeFailed(ILogger logger, string topic, string code, string reason);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Warning, Message = "Reading the checkpoints of newly assigned {Topic} partitions failed; retrying in {DelayMs} ms before starting them")]
    public static partial void CheckpointReadFailed(ILogger logger, Exception exception, string topic, long delayMs);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Information, Message = "Stopped while waiting for the checkpoints of newly assigned {Topic} partitions {Partitions}; they were not started")]
    public static partial void CheckpointWaitStopped(ILogger logger, string topic, string partitions);

    [LoggerMessage(EventId = 2022, Level = LogLevel.Critical, Message = "The checkpoints of newly assigned {Topic} partitions {Partitions} could not be read for {WaitedMs} ms; they were not started and the consumer stops")]
    public static partial void CheckpointWaitGaveUp(ILogger logger, Exception exception, string topic, string partitions, long waitedMs);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Warning, Message = "{Topic} partition {Partition}: the stored checkpoint {Checkpoint} is below the log start {LogStart}; {Lost} records were deleted by retention before this group read them (never applied). Reading resumed at offset {Offset}")]
    public static partial void CheckpointBelowLogStart(ILogger logger, string topic, int partition, long checkpoint, long logStart, long lost, long offset);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Committing offsets of {Topic} to the group failed ({Reason}); they are committed with the next unit of work")]
    public static partial void GroupCommitFailed(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 2027, Level = LogLevel.Information, Message = "Committed the offsets of {Topic} partitions {Partitions} to the group before handing them over, after {Attempts} attempts (the unit's own group commit had failed)")]
    public static partial void OwedGroupCommitMade(ILogger logger, string topic, string partitions, int attempts);

    [LoggerMessage(EventId = 2028, Level = LogLevel.Warning, Message = "Committing the offsets of {Topic} partitions {Partitions} to the group before handing them over failed ({Reason}); the member that takes them applies their last committed unit's records again")]
    public static partial void OwedGroupCommitFailed(ILogger logger, string topic, string partitions, string reason);

    [LoggerMessage(EventId = 2029, Level = LogLevel.Warning, Message = "The consumer of {Topic} did not close within {WaitMs} ms (the session timeout); shutdown goes on without it. The group removes this member when its session times out; every unit committed so far keeps its checkpoints")]
    public static partial void CloseGivenUp(ILogger logger, string topic, long waitMs);

    [LoggerMessage(EventId = 2023, Level = LogLevel.Warning, Message = "{Topic} partitions {Partitions} are revoked while a unit of work has been applying them for {AppliedMs} ms; they are handed over without waiting for it, and its checkpoint writes for them will be fenced")]
    public static partial void RevokedDuringLongUnit(ILogger logger, string topic, string partitions, long appliedMs);

    [LoggerMessage(EventId = 2024, Level = LogLevel.Warning, Message = "A unit of work of {Topic} has been applying for {AppliedMs} ms; reading ahead stops until it ends, so that max.poll.interval.ms ({MaxPollIntervalMs} ms) takes this member out of the group if it stays stuck")]
    public static partial void ReadAheadPausedForLongUnit(ILogger logger, string topic, long appliedMs, long maxPollIntervalMs);

    [LoggerMessage(EventId = 2025, Level = LogLevel.Information, Message = "Revoking {Topic} partitions {Partitions} waits for the unit of work being applied ({AppliedMs} ms so far), so that it commits them before they are handed over")]
    public static partial void RevocationWaitsForUnit(ILogger logger, string topic, string partitions, long appliedMs);

    [LoggerMessage(EventId = 2026, Level = LogLevel.Critical, Message = "{Topic} partitions {Partitions} were assigned while a unit of work had been applying for {AppliedMs} ms, more than half of max.poll.interval.ms ({MaxPollIntervalMs} ms); they were not started, this member stops reading and leaves the group, and the consumer stops once the unit ends")]
    public static partial void AssignedDuringLongUnit(ILogger logger, string topic, string partitions, long appliedMs, long maxPollIntervalMs);
}
