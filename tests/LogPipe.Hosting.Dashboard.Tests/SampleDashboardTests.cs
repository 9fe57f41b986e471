using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using LogPipe.Hosting.Dashboard.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Microsoft.Playwright;

namespace LogPipe.Hosting.Dashboard.Tests;

/// <summary>
/// The sample service (development Kafka broker, SQLite) with its dashboard at <c>/logpipe</c>, in Chromium: every page
/// renders with the records the sample's own API produced. The screenshots in docs/images are taken here: every run
/// takes them (into a temporary folder), and <c>LOGPIPE_UPDATE_SCREENSHOTS=1</c> writes them over the committed ones, so
/// that a test run leaves the working copy as it was.
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class SampleDashboardTests(Chromium chromium)
{
    private static readonly string Images = Environment.GetEnvironmentVariable("LOGPIPE_UPDATE_SCREENSHOTS") == "1"
        ? Path.Combine(RepositoryBuild.Root, "docs", "images")
        : Path.Combine(Path.GetTempPath(), "logpipe-dashboard-screenshots");

    [Fact]
    public async Task The_sample_maps_the_dashboard_and_every_page_renders_the_people_it_replicated()
    {
        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("logpipe-dashboard-sample-");
        using var sample = ChildProcess.StartDotnet("LogPipe.Sample.dll", ["--Urls", $"http://127.0.0.1:{port}"], new ChildProcessOptions { WorkingDirectory = directory.FullName });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            await Eventually.TrueAsync(async () => await StatusAsync(http, "/health/ready") == HttpStatusCode.OK, TimeSpan.FromSeconds(90), () => "Sample output:\n" + sample.Output);
            for (var i = 0; i < 3; i++)
            {
                var created = await http.PostAsJsonAsync("/people", new { firstName = $"Ada {i}", lastName = "Lovelace", email = $"ada{i}@example.com" });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            var page = await chromium.NewPageAsync();
            await Eventually.TrueAsync(
                async () =>
                {
                    await page.GotoAsync($"http://127.0.0.1:{port}/logpipe/");
                    var row = page.Locator("[data-test=consumers] tbody tr").Filter(new LocatorFilterOptions { HasText = "people" });
                    return await row.CountAsync() == 1 && long.Parse((await row.Locator("td").Nth(3).InnerTextAsync()).Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture) >= 3;
                },
                TimeSpan.FromSeconds(60),
                () => "Sample output:\n" + sample.Output);
            Assert.Equal("Running", await page.Locator("[data-test=state]").InnerTextAsync());
            Assert.Equal("Kafka", await page.Locator("[data-test=transport]").InnerTextAsync(), ignoreCase: true);
            Assert.Equal("Healthy", await page.Locator("[data-test=health]").InnerTextAsync());
            await ScreenshotAsync(page, "dashboard-overview.png");

            await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Partitions & shards" }).ClickAsync();
            var partitions = page.Locator("[data-test=partitions] tbody tr").Filter(new LocatorFilterOptions { HasText = "people" });
            Assert.True(await partitions.CountAsync() >= 1, "the partitions page lists the people topic's partitions");
            await ScreenshotAsync(page, "dashboard-partitions.png");
        }
        finally
        {
            sample.Dispose(); // before the directory goes: the sample keeps its database there
            directory.Delete(recursive: true);
        }
    }

    internal static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Images);
        var path = Path.Combine(Images, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 10_000, $"{path} is a near-empty screenshot");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<HttpStatusCode?> StatusAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
