using LogPipe.Hosting.Kinesis;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LogPipe.Hosting.FaultInjection.Worker;

/// <summary>
/// The service under fault injection: LogPipe on Kafka (or on Kinesis, when <c>LogPipe:Transport</c> says so) with EF
/// Core checkpoints in <see cref="TestDb"/>, a consumer of the people topic or stream (Person V1 and V2, <c>place</c>
/// ignored) and producers of people as V2 JSON (default), V1 JSON (<c>"v1"</c>) and V2 MessagePack (<c>"msgpack"</c>).
/// The worker process and the in-process instances of the tests are built here, so every scenario exercises the same
/// wiring.
/// </summary>
public static class ConsumerHost
{
    /// <summary>The keyed producer that writes Person version 1.</summary>
    public const string V1Producer = "v1";

    /// <summary>The keyed producer that writes Person version 2 as MessagePack.</summary>
    public const string MessagePackProducer = "msgpack";

    /// <summary>
    /// librdkafka settings that suit the development broker: 2 s sessions (rebalances wait session.timeout.ms − 1000),
    /// quick reconnects after an outage, short fetch waits and <c>fetch.queue.backoff.ms=10</c>.
    /// </summary>
    public static Dictionary<string, string?> Defaults(string bootstrapServers, string group) => KafkaTestSettings.Defaults(bootstrapServers, group);

    /// <summary>
    /// Settings for LogPipe on Kinesis at <paramref name="endpoint"/> (kinesalite, or a proxy in front of it): test
    /// credentials, quick polling, shard discovery and retries.
    /// </summary>
    public static Dictionary<string, string?> KinesisDefaults(Uri endpoint, string group) => KinesisTestSettings.Defaults(endpoint, group);

    /// <summary>A host builder for one instance; add logging providers, then build.</summary>
    /// <param name="topic">The people topic or stream.</param>
    /// <param name="database">Where checkpoints and people live.</param>
    /// <param name="settings">Configuration: <see cref="Defaults"/> or <see cref="KinesisDefaults"/> plus the scenario's overrides.</param>
    /// <param name="probe">Counts the serializers' saves; a new one when <see langword="null"/>.</param>
    /// <param name="interceptors">EF Core interceptors for the DbContext (faults, counters); none by default.</param>
    public static HostApplicationBuilder CreateBuilder(string topic, WorkerDatabase database, IDictionary<string, string?> settings, Probe? probe = null, IReadOnlyList<IInterceptor>? interceptors = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(probe ?? new Probe());
        builder.Services.AddDbContext<TestDb>(options =>
        {
            database.Configure(options);
            if (interceptors is { Count: > 0 }) options.AddInterceptors(interceptors);
        });
        var kinesis = settings.TryGetValue("LogPipe:Transport", out var transport)
            && string.Equals(transport, KinesisTransport.TransportName, StringComparison.OrdinalIgnoreCase);
        builder.Services.AddLogPipe(builder.Configuration.GetSection("LogPipe"), lp => (kinesis ? lp.UseKinesis() : lp.UseKafka())
            .UseEntityFrameworkOffsets<TestDb>()
            .AddProducer<Person, PersonSerializerV2>(topic)
            .AddProducer<Person, PersonSerializerV1>(topic, name: V1Producer)
            .AddProducer<Person, PersonSerializerV2>(topic, format: "msgpack", name: MessagePackProducer)
            .AddConsumer(topic, c => c.Register<PersonSerializerV1>().Register<PersonSerializerV2>().Ignore("place")));
        return builder;
    }
}
