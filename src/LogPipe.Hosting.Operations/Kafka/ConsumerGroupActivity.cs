using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Configuration;

namespace LogPipe.Hosting.Operations;

/// <summary>Whether a consumer group has members right now, as DescribeConsumerGroups tells.</summary>
/// <param name="Known">Whether the broker answered; the development broker does not implement the request.</param>
/// <param name="Members">The members (client id and host), when known.</param>
/// <param name="Reason">Why the answer is unknown.</param>
internal sealed record ConsumerGroupActivity(bool Known, IReadOnlyList<string> Members, string? Reason)
{
    public bool IsActive => Known && Members.Count > 0;

    /// <summary>
    /// Refuses to go on while the Kafka group of consumer group <paramref name="group"/> has members, or when that cannot
    /// be told: a checkpoint moved under a running consumer is fenced, but the operator should know it is running.
    /// </summary>
    /// <param name="configuration">The service's configuration.</param>
    /// <param name="serviceGroup">The service's own consumer group, which joins Kafka as <c>LogPipe:Kafka:GroupId</c> when that is set.</param>
    /// <param name="kafka">The cluster.</param>
    /// <param name="admin">Its admin client.</param>
    /// <param name="group">The consumer group being changed.</param>
    /// <exception cref="OperationException">The group has members or the broker cannot tell (refused); the cluster cannot be reached.</exception>
    public static async Task RefuseWhileActiveAsync(IConfiguration configuration, string? serviceGroup, KafkaConnection kafka, IAdminClient admin, string group)
    {
        var groupId = group == serviceGroup && configuration.Setting("LogPipe:Kafka:GroupId") is { } configured ? configured : group;
        var activity = await DescribeAsync(kafka, admin, groupId).ConfigureAwait(false);
        activity.ThrowUnlessInactive(groupId);
    }

    /// <summary>Asks the cluster about <paramref name="groupId"/>.</summary>
    /// <exception cref="OperationException">The cluster cannot be reached (Unreachable).</exception>
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

    /// <summary>Refuses unless the group is known to have no members.</summary>
    /// <exception cref="OperationException">The group has members, or the broker cannot tell.</exception>
    public void ThrowUnlessInactive(string groupId)
    {
        if (IsActive)
        {
            throw OperationException.RefusedUnlessForced(
                $"Consumer group '{groupId}' has {Members.Count} active member(s) ({string.Join(", ", Members)}). " +
                "Stop the service's consumers first, or force the move: a running consumer is fenced and resumes from the new position.");
        }

        if (!Known)
        {
            throw OperationException.RefusedUnlessForced(
                $"Cannot tell whether consumer group '{groupId}' has active members: DescribeConsumerGroups failed ({Reason}); " +
                "the development broker never answers it. Make sure the service's consumers are stopped, then force the move.");
        }
    }

    private static OperationException Unreachable(KafkaConnection kafka, string reason, Exception ex) =>
        OperationException.Unreachable($"Cannot reach Kafka at {kafka.BootstrapServers}: {kafka.Redact(reason)}", ex);
}
