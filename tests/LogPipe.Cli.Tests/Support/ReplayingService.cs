using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogPipe.Cli.Tests.Support;

/// <summary>
/// The service side of a replay: a host on the workspace's database with LogPipe's EF offsets (which brings the replay
/// service) and a consumer of <c>people</c>; it replays what the tool marks.
/// </summary>
public sealed class ReplayingService : IAsyncDisposable
{
    private readonly IHost _host;

    private ReplayingService(IHost host) => _host = host;

    public static async Task<ReplayingService> StartAsync(CliWorkspace workspace, bool knowsVersion2)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LogPipe:ConsumerGroup"] = CliWorkspace.Group,
            ["LogPipe:DeadLetters:ReplayPollMs"] = "50",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Probe>();
        builder.Services.AddDbContext<TestDb>(o => o.UseSqlite($"Data Source={workspace.DatabasePath};Pooling=False"));
        builder.Services.AddLogPipe(builder.Configuration.GetSection("LogPipe"), lp => lp
            .UseEntityFrameworkOffsets<TestDb>()
            .AddConsumer("people", c =>
            {
                c.Register<PersonSerializerV1>();
                if (knowsVersion2) c.Register<PersonSerializerV2>();
            }));
        var host = builder.Build();
        await host.StartAsync();
        return new ReplayingService(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
