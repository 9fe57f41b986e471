using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogPipe.Cli.Tests.Support;

/// <summary>
/// The service after an operator used the tool: a host on the workspace's database with LogPipe's EF offsets and the
/// Kafka transport, consuming people from one topic as consumer group <see cref="CliWorkspace.Group"/>.
/// </summary>
public sealed class KafkaConsumingService : IAsyncDisposable
{
    private readonly IHost _host;

    private KafkaConsumingService(IHost host) => _host = host;

    public static async Task<KafkaConsumingService> StartAsync(CliWorkspace workspace, string bootstrapServers, string topic)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(KafkaTestSettings.Defaults(bootstrapServers, CliWorkspace.Group));
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Probe>();
        builder.Services.AddDbContext<TestDb>(o => o.UseSqlite($"Data Source={workspace.DatabasePath};Pooling=False"));
        builder.Services.AddLogPipe(builder.Configuration.GetSection("LogPipe"), lp => lp
            .UseKafka()
            .UseEntityFrameworkOffsets<TestDb>()
            .AddConsumer(topic, c => c.Register<PersonSerializerV2>()));
        var host = builder.Build();
        await host.StartAsync();
        return new KafkaConsumingService(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(timeout.Token);
        _host.Dispose();
    }
}
