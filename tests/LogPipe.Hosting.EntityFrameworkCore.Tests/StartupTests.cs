using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests;

/// <summary>What the EF Core store checks when the host starts: its tables are in the DbContext.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task A_dbcontext_without_logpipe_tables_is_named_in_the_error()
    {
        var db = TestApp.NewDatabasePath();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<Probe>();
        builder.Services.AddDbContext<PlainDb>(o => o.UseSqlite($"Data Source={db}"));
        builder.Services.AddLogPipe(lp => lp.UseInMemoryTransport().UseEntityFrameworkOffsets<PlainDb>().AddConsumer("places", c => c.Register<PlaceSerializer>()));
        using var host = builder.Build();
        var runner = host.Services.GetRequiredService<LogPipe.Hosting.Consumers.LogPipeConsumerRunner>();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.DrainAsync());
        Assert.Contains("ApplyLogPipeConfiguration", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(PlainDb), error.Message, StringComparison.Ordinal);
    }

    private sealed class PlainDb(DbContextOptions<PlainDb> options) : DbContext(options);
}
