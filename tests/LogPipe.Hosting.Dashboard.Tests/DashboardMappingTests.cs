using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Dashboard.Tests;

/// <summary>What <c>MapLogPipeDashboard</c> refuses, with a message that says what to do.</summary>
public sealed class DashboardMappingTests
{
    private static WebApplication Build(bool dashboard, bool logPipe)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.Sources.Clear();
        if (logPipe) builder.Services.AddLogPipe(builder.Configuration.GetSection("LogPipe"), lp => lp.UseInMemoryTransport().UseInMemoryOffsets());
        if (dashboard) builder.Services.AddLogPipeDashboard();
        return builder.Build();
    }

    [Fact]
    public async Task Mapping_without_AddLogPipeDashboard_fails_naming_the_call_to_add()
    {
        await using var app = Build(dashboard: false, logPipe: true);

        var error = Assert.Throws<InvalidOperationException>(() => app.MapLogPipeDashboard());

        Assert.Contains("AddLogPipeDashboard()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mapping_without_AddLogPipe_fails_naming_the_call_to_add()
    {
        await using var app = Build(dashboard: true, logPipe: false);

        var error = Assert.Throws<InvalidOperationException>(() => app.MapLogPipeDashboard());

        Assert.Contains("AddLogPipe(", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("logpipe")]
    [InlineData("/")]
    [InlineData("")]
    public async Task A_prefix_that_is_not_a_path_below_the_root_is_refused(string prefix)
    {
        await using var app = Build(dashboard: true, logPipe: true);

        var error = Assert.Throws<ArgumentException>(() => app.MapLogPipeDashboard(prefix));

        Assert.Contains("\"/logpipe\"", error.Message, StringComparison.Ordinal);
        Assert.Equal("prefix", error.ParamName);
    }
}
