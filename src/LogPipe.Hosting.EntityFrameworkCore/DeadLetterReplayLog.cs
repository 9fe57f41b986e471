using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>Log events of the dead-letter replay service (event ids 4100–4119). Stable: alerts may key on them.</summary>
internal static partial class DeadLetterReplayLog
{
    [LoggerMessage(EventId = 4100, EventName = "DeadLetterReplayRequested", Level = LogLevel.Information,
        Message = "Replaying {Count} dead letters of consumer group {ConsumerGroup} that an operator asked to replay")]
    internal static partial void Replaying(ILogger logger, int count, string consumerGroup);

    [LoggerMessage(EventId = 4101, EventName = "DeadLetterReplayCompleted", Level = LogLevel.Information,
        Message = "Replayed {Replayed} dead letters of consumer group {ConsumerGroup}; {StillFailing} failed again and were kept")]
    internal static partial void Replayed(ILogger logger, int replayed, int stillFailing, string consumerGroup);

    [LoggerMessage(EventId = 4102, EventName = "DeadLetterReplayPollFailed", Level = LogLevel.Warning,
        Message = "Could not take dead-letter replay requests of consumer group {ConsumerGroup}; trying again in {PollMs} ms. " +
                  "If the column LogPipeDeadLetters.ReplayRequestedAt is missing, add a migration")]
    internal static partial void PollFailed(ILogger logger, Exception exception, string consumerGroup, int pollMs);

    [LoggerMessage(EventId = 4103, EventName = "DeadLetterReplayPollStillFailing", Level = LogLevel.Debug,
        Message = "Dead-letter replay requests of consumer group {ConsumerGroup} still cannot be taken")]
    internal static partial void PollStillFailing(ILogger logger, Exception exception, string consumerGroup);
}
