using LogPipe.Hosting;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LogPipe.Cli.Tests.Support;

/// <summary>
/// The service an operator's tool works against: a host on the workspace's database with LogPipe's EF offsets (which
/// brings the dead-letter replay service), running as consumer group <see cref="CliWorkspace.Group"/>.
/// </summary>
public sealed class WorkspaceService : LogPipeTestApp
{
    private WorkspaceService(IHost host, LogCapture logs)
        : base(host, logs)
    {
    }

    /// <summary>A service on the in-memory transport consuming <c>people</c>; it replays what the tool marks.</summary>
    public static Task<WorkspaceService> StartReplayingAsync(CliWorkspace workspace, bool knowsVersion2) =>
        StartAsync(
            workspace,
            new Dictionary<string, string?>
            {
                ["LogPipe:ConsumerGroup"] = CliWorkspace.Group,
                ["LogPipe:DeadLetters:ReplayPollMs"] = "50",
            },
            lp => lp.AddConsumer("people", c =>
            {
                c.Register<PersonSerializerV1>();
                if (knowsVersion2) c.Register<PersonSerializerV2>();
            }));

    /// <summary>A service on the Kafka transport consuming version-2 people from <paramref name="topic"/>.</summary>
    public static Task<WorkspaceService> StartKafkaAsync(CliWorkspace workspace, string bootstrapServers, string topic) =>
        StartAsync(
            workspace,
            KafkaTestSettings.Defaults(bootstrapServers, CliWorkspace.Group),
            lp => lp.UseKafka().AddConsumer(topic, c => c.Register<PersonSerializerV2>()));

    /// <summary>
    /// A service on the Kinesis transport (kinesalite at <paramref name="serviceUrl"/>) producing version-2 people to
    /// <paramref name="stream"/> in <paramref name="format"/> and, when <paramref name="consume"/>, consuming them.
    /// </summary>
    public static Task<WorkspaceService> StartKinesisAsync(CliWorkspace workspace, Uri serviceUrl, string stream, bool consume, string format = "json") =>
        StartAsync(
            workspace,
            new Dictionary<string, string?>(KinesisTestSettings.Defaults(serviceUrl, CliWorkspace.Group))
            {
                ["LogPipe:DefaultFormat"] = format,
                ["LogPipe:ProducerId"] = "people-api",
                ["LogPipe:EnableConsumers"] = consume ? "true" : "false",
            },
            lp => lp.UseKinesis().AddProducer<Person, PersonSerializerV2>(stream).AddConsumer(stream, c => c.Register<PersonSerializerV2>()));

    /// <summary>Sends <paramref name="people"/> through the service's producer.</summary>
    public async Task SendAsync(IEnumerable<Person> people)
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendBatchAsync(people);
    }

    private static async Task<WorkspaceService> StartAsync(CliWorkspace workspace, IDictionary<string, string?> settings, Action<LogPipeBuilder> configure)
    {
        var logs = new LogCapture();
        var service = new WorkspaceService(
            BuildHost(
                logs,
                settings,
                null,
                (_, o) => o.UseSqlite($"Data Source={workspace.DatabasePath};Pooling=False"),
                lp => configure(lp.UseEntityFrameworkOffsets<TestDb>())),
            logs);
        await service.StartAsync();
        return service;
    }
}
