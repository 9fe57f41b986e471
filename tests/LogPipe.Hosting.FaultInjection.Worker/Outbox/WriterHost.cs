using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LogPipe.Hosting.FaultInjection.Worker.Outbox;

/// <summary>
/// The writing service of the outbox scenarios: LogPipe on Kafka with the outbox in <see cref="WriterDb"/> (its relay runs
/// as a hosted service) and Person V2 JSON as the one producer; no consumers. The writer process and the in-process
/// writers of the tests are built here.
/// </summary>
public static class WriterHost
{
    /// <summary>The settings of a writer on the Kafka cluster at <paramref name="bootstrapServers"/>: the tests' defaults, consumers off.</summary>
    public static Dictionary<string, string?> Defaults(string bootstrapServers, string group)
    {
        var settings = KafkaTestSettings.Defaults(bootstrapServers, group);
        settings["LogPipe:EnableConsumers"] = "false";
        return settings;
    }

    /// <summary>A host builder for one writer; add logging providers, then build.</summary>
    public static HostApplicationBuilder CreateBuilder(string topic, WorkerDatabase database, IDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(database);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(new Probe());
        builder.Services.AddDbContext<WriterDb>(database.Configure);

        // The producer's serializer takes the consumer's DbContext but never opens it.
        builder.Services.AddDbContext<TestDb>(o => o.UseSqlite("Data Source=:memory:"));
        builder.Services.AddLogPipe(builder.Configuration.GetSection("LogPipe"), lp => lp.UseKafka()
            .UseEntityFrameworkOffsets<WriterDb>()
            .UseEntityFrameworkOutbox<WriterDb>()
            .AddProducer<Person, PersonSerializerV2>(topic));
        return builder;
    }
}
