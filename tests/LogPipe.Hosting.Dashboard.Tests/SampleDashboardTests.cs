using LogPipe.Hosting.Dashboard.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Microsoft.Playwright;

namespace LogPipe.Hosting.Dashboard.Tests;

/// <summary>
/// The sample service (development Kafka broker, SQLite) with its dashboard at <c>/logpipe</c>, in Chromium: every page
/// renders with the records the sample's own API produced. The screenshots in docs/images are taken here and by the
/// other page tests (<see cref="Screenshots"/>).
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class SampleDashboardTests(Chromium chromium)
{
    [Fact]
    public async Task The_sample_maps_the_dashboard_and_every_page_renders_the_people_it_replicated()
    {
        using var sample = await RunningSample.StartAsync();
        for (var i = 0; i < 3; i++) await sample.CreatePersonAsync($"Ada {i}");

        var page = await chromium.NewPageAsync();
        await Eventually.TrueAsync(
            async () =>
            {
                await page.GotoAsync(sample.Url("/logpipe/"));
                var row = page.Locator("[data-test=consumers] tbody tr").Filter(new LocatorFilterOptions { HasText = "people" });
                return await row.CountAsync() == 1 && long.Parse((await row.Locator("td").Nth(3).InnerTextAsync()).Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture) >= 3;
            },
            TimeSpan.FromSeconds(60),
            () => "Sample output:\n" + sample.Output);
        Assert.Equal("Running", await page.Locator("[data-test=state]").InnerTextAsync());
        Assert.Equal("Kafka", await page.Locator("[data-test=transport]").InnerTextAsync(), ignoreCase: true);
        Assert.Equal("Healthy", await page.Locator("[data-test=health]").InnerTextAsync());
        await Screenshots.TakeAsync(page, "dashboard-overview.png");

        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Partitions & shards" }).ClickAsync();
        var partitions = page.Locator("[data-test=partitions] tbody tr").Filter(new LocatorFilterOptions { HasText = "people" });
        Assert.True(await partitions.CountAsync() >= 1, "the partitions page lists the people topic's partitions");
        await Screenshots.TakeAsync(page, "dashboard-partitions.png");

        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Dead letters" }).ClickAsync();
        Assert.EndsWith("/logpipe/dead-letters", page.Url, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("[data-test=problem]").CountAsync());
    }
}
