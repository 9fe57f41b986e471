using System.Net;
using LogPipe.Hosting.Dashboard.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Microsoft.Playwright;

namespace LogPipe.Hosting.Dashboard.Tests;

/// <summary>The pages and the action form in a real headless Chromium, against a host with records consumed.</summary>
[Collection(ChromiumTests.Name)]
public sealed class DashboardBrowserTests(Chromium chromium)
{
    [Fact]
    public async Task The_overview_shows_each_consumer_with_its_rate_handled_records_and_last_error()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await host.AddRecordsAsync(5);
        var page = await chromium.NewPageAsync();

        var response = await page.GotoAsync(host.Url("/logpipe/"));

        Assert.Equal((int)HttpStatusCode.OK, response!.Status);
        Assert.Equal("Running", await page.Locator("[data-test=state]").InnerTextAsync());
        Assert.Equal("InMemory", await page.Locator("[data-test=transport]").InnerTextAsync());
        var row = page.Locator("[data-test=consumers] tbody tr").Filter(new LocatorFilterOptions { HasText = DashboardTestHost.Topic });
        var cells = await row.Locator("td").AllInnerTextsAsync();
        Assert.Equal("place v1", cells[1]);
        Assert.NotEqual("0.0", cells[2]); // records/s over the last minute
        Assert.Equal("6", cells[3]);      // handled: five applied, one skipped
        Assert.Equal("1", cells[6]);      // errors
        Assert.Contains("UnknownVersion", cells[7], StringComparison.Ordinal);
        // The stylesheet came from the assembly: the state card is coloured.
        var border = await page.Locator(".card.ok").First.EvaluateAsync<string>("e => getComputedStyle(e).borderLeftWidth");
        Assert.Equal("6px", border);
    }

    [Fact]
    public async Task The_partitions_page_shows_each_partition_with_its_next_offset_log_end_and_lag()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await host.AddRecordsAsync(5);
        var ends = host.Broker.EndOffsets(DashboardTestHost.Topic);
        var page = await chromium.NewPageAsync();

        await page.GotoAsync(host.Url("/logpipe/"));
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Partitions & shards" }).ClickAsync();

        Assert.EndsWith("/logpipe/partitions", page.Url, StringComparison.Ordinal);
        var rows = page.Locator("[data-test=partitions] tbody tr");
        var shown = new List<(string Partition, string Next, string End, string Lag)>();
        for (var i = 0; i < await rows.CountAsync(); i++)
        {
            var cells = await rows.Nth(i).Locator("td").AllInnerTextsAsync();
            Assert.Equal(DashboardTestHost.Topic, cells[0]);
            shown.Add((cells[1], cells[2], cells[3], cells[4]));
        }

        var expected = ends.Select((end, partition) => (partition.ToString(), end.ToString(), end.ToString(), "0")).Where(e => e.Item2 != "0").ToList();
        Assert.Equal(expected, shown);
    }

    [Fact]
    public async Task The_action_button_posts_with_its_antiforgery_token_and_the_action_runs_once()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(host.Url("/logpipe/"));

        await page.Locator("button[data-action=count]").ClickAsync();

        await page.WaitForURLAsync(url => url.Contains("done=count", StringComparison.Ordinal));
        Assert.Equal("Done: Count.", await page.Locator("p.notice.ok").InnerTextAsync());
        Assert.Equal(1, host.Action.Runs);
        Assert.Contains(LogEvents.DashboardActionRun, host.Logs.Entries.Select(e => e.EventId.Id));
        // Reloading the page it was sent to does not run it again.
        await page.ReloadAsync();
        Assert.Equal(1, host.Action.Runs);
    }

    [Fact]
    public async Task Read_only_mode_shows_no_action_and_refuses_the_post_of_a_form_taken_before()
    {
        // A form (with a valid token) from a dashboard that offered the action...
        await using var writable = await DashboardTestHost.StartAsync();
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(writable.Url("/logpipe/"));
        Assert.Equal(1, await page.Locator("button[data-action=count]").CountAsync());

        // ...and the same dashboard read-only: no button, and a POST is refused before its token is even looked at.
        await using var readOnly = await DashboardTestHost.StartAsync(readOnly: true);
        await page.GotoAsync(readOnly.Url("/logpipe/"));
        Assert.Equal(0, await page.Locator("form").CountAsync());
        Assert.Equal("read-only", await page.Locator(".badge").InnerTextAsync());
        var response = await page.APIRequest.PostAsync(readOnly.Url("/logpipe/actions/count"), new APIRequestContextOptions { Form = page.APIRequest.CreateFormData() });
        Assert.Equal((int)HttpStatusCode.Forbidden, response.Status);
        Assert.Equal(0, readOnly.Action.Runs);
        Assert.Contains(LogEvents.DashboardReadOnly, readOnly.Logs.Entries.Select(e => e.EventId.Id));
    }
}
