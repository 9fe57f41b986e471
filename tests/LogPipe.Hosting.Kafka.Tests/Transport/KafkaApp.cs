using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Hosting;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka.Tests.Transport;

/// <summary>
/// One instance of a service using LogPipe on Kafka: a real host with the Kafka transport, database checkpoints, a producer
/// of people and a consumer of the same topic. Several instances with one group id share partitions like a scaled service.
/// </summary>
public sealed class KafkaApp : LogPipeTestApp
{
    private KafkaApp(IHost host, LogCapture logs)
        : base(host, logs)
    {
    }

    public static KafkaApp Create(
        string bootstrapServers,
        string topic,
        string group,
        TemporaryDatabase database,
        IDictionary<string, string?>? settings = null,
        Probe? probe = null,
        bool groupOffsets = false,
        bool outbox = false)
    {
        ArgumentNullException.ThrowIfNull(database);
        var logs = new LogCapture();
        var host = BuildHost(
            logs,
            KafkaTestSettings.Defaults(bootstrapServers, group),
            settings,
            (_, o) => database.Configure(o),
            lp =>
            {
                lp.UseKafka();
                if (groupOffsets) lp.UseKafkaOffsets().UseEntityFrameworkTransactions<TestDb>();
                else lp.UseEntityFrameworkOffsets<TestDb>();
                if (outbox) lp.UseEntityFrameworkOutbox<TestDb>();
                lp.AddProducer<Person, PersonSerializerV2>(topic)
                    .AddProducer<Place, PlaceSerializer>(topic)
                    .AddConsumer(topic, c => c.Register<PersonSerializerV1>().Register<PersonSerializerV2>().Register<PlaceSerializer>());
            },
            probe: probe);
        return new KafkaApp(host, logs);
    }
}
