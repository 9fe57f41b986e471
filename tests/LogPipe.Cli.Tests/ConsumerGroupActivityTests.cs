using System.Reflection;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using LogPipe.Cli.Configuration;
using LogPipe.Cli.Tests.Support;
using LogPipe.Hosting.Operations;

namespace LogPipe.Cli.Tests;

/// <summary>
/// The refusal of <c>offsets set</c> while the group has members. The development broker does not implement
/// DescribeConsumerGroups, so the answers a real cluster gives are played by a stand-in admin client here.
/// </summary>
public sealed class ConsumerGroupActivityTests : IDisposable
{
    private readonly CliWorkspace _workspace = CliWorkspace.Create(createDatabase: false);

    public void Dispose() => _workspace.Dispose();

    private KafkaConnection Kafka() =>
        KafkaConnection.Create(ToolConfiguration.Load(new FileInfo(Path.Combine(_workspace.Directory, "appsettings.json")), null).Root, "127.0.0.1:9092", TimeSpan.FromSeconds(1), null);

    [Fact]
    public async Task A_group_with_members_is_refused_naming_them()
    {
        var admin = AdminAnswering(() => Task.FromResult(Described(ErrorCode.NoError, ("logpipe-consumer", "/10.0.0.7"), ("logpipe-consumer", "/10.0.0.8"))));

        var activity = await ConsumerGroupActivity.DescribeAsync(Kafka(), admin, "people-replica");

        Assert.True(activity.IsActive);
        var refusal = Assert.Throws<OperationException>(() => activity.ThrowUnlessInactive("people-replica"));
        Assert.Equal(LogPipe.Cli.ExitCodes.Refused, LogPipe.Cli.ExitCodes.Of(refusal.Failure));
        Assert.Contains("'people-replica' has 2 active member(s) (logpipe-consumer@/10.0.0.7, logpipe-consumer@/10.0.0.8)", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_group_may_be_moved()
    {
        var admin = AdminAnswering(() => Task.FromResult(Described(ErrorCode.NoError)));

        var activity = await ConsumerGroupActivity.DescribeAsync(Kafka(), admin, "people-replica");

        Assert.False(activity.IsActive);
        activity.ThrowUnlessInactive("people-replica");
    }

    [Fact]
    public async Task A_broker_that_cannot_describe_groups_is_refused_as_unknown()
    {
        var report = new DescribeConsumerGroupsReport { ConsumerGroupDescriptions = [Description(ErrorCode.Local_UnsupportedFeature)] };
        var admin = AdminAnswering(() => Task.FromException<DescribeConsumerGroupsResult>(new DescribeConsumerGroupsException(report)));

        var activity = await ConsumerGroupActivity.DescribeAsync(Kafka(), admin, "people-replica");

        Assert.False(activity.Known);
        var refusal = Assert.Throws<OperationException>(() => activity.ThrowUnlessInactive("people-replica"));
        Assert.Contains("Cannot tell whether consumer group 'people-replica' has active members", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broker_that_cannot_be_reached_is_exit_code_3()
    {
        var admin = AdminAnswering(() => Task.FromException<DescribeConsumerGroupsResult>(new KafkaException(ErrorCode.Local_Transport)));

        var error = await Assert.ThrowsAsync<OperationException>(() => ConsumerGroupActivity.DescribeAsync(Kafka(), admin, "people-replica"));

        Assert.Equal(LogPipe.Cli.ExitCodes.Unreachable, LogPipe.Cli.ExitCodes.Of(error.Failure));
    }

    private static DescribeConsumerGroupsResult Described(ErrorCode error, params (string ClientId, string Host)[] members) =>
        new() { ConsumerGroupDescriptions = [Description(error, members)] };

    private static ConsumerGroupDescription Description(ErrorCode error, params (string ClientId, string Host)[] members) => new()
    {
        GroupId = "people-replica",
        Error = new Error(error),
        State = members.Length > 0 ? ConsumerGroupState.Stable : ConsumerGroupState.Empty,
        Members = [.. members.Select(m => new MemberDescription { ClientId = m.ClientId, Host = m.Host, ConsumerId = Guid.NewGuid().ToString() })],
    };

    private static IAdminClient AdminAnswering(Func<Task<DescribeConsumerGroupsResult>> answer)
    {
        var admin = DispatchProxy.Create<IAdminClient, StandInAdminClient>();
        ((StandInAdminClient)(object)admin).Answer = answer;
        return admin;
    }

    /// <summary>An admin client that only answers DescribeConsumerGroupsAsync.</summary>
    public class StandInAdminClient : DispatchProxy
    {
        public Func<Task<DescribeConsumerGroupsResult>>? Answer { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            nameof(IAdminClient.DescribeConsumerGroupsAsync) => Answer!(),
            "Dispose" => null,
            _ => throw new NotSupportedException(targetMethod?.Name),
        };
    }
}
