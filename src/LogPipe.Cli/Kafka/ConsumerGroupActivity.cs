using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace LogPipe.Cli.Kafka;

/// <summary>Whether a consumer group has members right now, as DescribeConsumerGroups tells.</summary>
/// <param name="Known">Whether the broker answered; the development broker does not implement the request.</param>
/// <param name="Members">The members (client id and host), when known.</param>
/// <param name="Reason">Why the answer is unknown.</param>
internal sealed record ConsumerGroupActivity(bool Known, IReadOnlyList<string> Members, string? Reason)
{
    public bool IsActive => Known && Members.Count > 0;

    /// <summary>Asks the cluster about <paramref name="groupId"/>.</summary>
    /// <exception cref="CommandException">The cluster cannot be reached (3).</exception>
    public static async Task<ConsumerGroupActivity> DescribeAsync(KafkaConnection kafka, IAdminClient admin, string groupId)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(admin);
        try
        {
            var result = await admin.DescribeConsumerGroupsAsync([groupId], new DescribeConsumerGroupsOptions { RequestTimeout = kafka.Timeout })
                .ConfigureAwait(false);
            var group = result.ConsumerGroupDescriptions.Single();
            return group.Error.IsError
                ? new ConsumerGroupActivity(false, [], kafka.Redact(group.Error.Reason))
                : new ConsumerGroupActivity(true, [.. group.Members.Select(m => $"{m.ClientId}@{m.Host}")], null);
        }
        catch (DescribeConsumerGroupsException ex)
        {
            var error = ex.Results.ConsumerGroupDescriptions.FirstOrDefault()?.Error ?? ex.Error;
            if (KafkaConnection.IsUnreachable(error.Code)) throw Unreachable(kafka, error.Reason, ex);
            return new ConsumerGroupActivity(false, [], kafka.Redact(error.Reason));
        }
        catch (KafkaException ex) when (KafkaConnection.IsUnreachable(ex.Error.Code))
        {
            throw Unreachable(kafka, ex.Error.Reason, ex);
        }
    }

    /// <summary>Refuses (exit code 5) unless the group is known to have no members.</summary>
    /// <exception cref="CommandException">The group has members, or the broker cannot tell.</exception>
    public void ThrowUnlessInactive(string groupId)
    {
        if (IsActive)
        {
            throw CommandException.Refused(
                $"Consumer group '{groupId}' has {Members.Count} active member(s) ({string.Join(", ", Members)}). " +
                "Stop the service's consumers first, or pass --force: a running consumer is fenced and resumes from the new position.");
        }

        if (!Known)
        {
            throw CommandException.Refused(
                $"Cannot tell whether consumer group '{groupId}' has active members: DescribeConsumerGroups failed ({Reason}); " +
                "the development broker never answers it. Make sure the service's consumers are stopped, then pass --force.");
        }
    }

    private static CommandException Unreachable(KafkaConnection kafka, string reason, Exception ex) =>
        CommandException.Unreachable($"Cannot reach Kafka at {kafka.BootstrapServers}: {kafka.Redact(reason)}", ex);
}
