using System.Globalization;
using LogPipe.Hosting.Dashboard.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Microsoft.Playwright;

namespace LogPipe.Hosting.Dashboard.Tests;

/// <summary>
/// The pages reload themselves every <c>RefreshInterval</c>, but not under an operator's hands: not while a form field
/// has focus, and no more once a field has been edited. A short interval stands in for the default 10 s.
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class DashboardRefreshTests(Chromium chromium) : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private readonly string _database = TestApp.NewDatabasePath();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        TestApp.DeleteDatabase(_database);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_untouched_page_reloads_itself_but_typing_into_the_dead_letter_filter_is_not_lost()
    {
        await using var host = await DashboardTestHost.StartAsync(database: _database, refreshInterval: Interval);
        var page = await chromium.NewPageAsync();
        var loads = 0;
        page.Load += (_, _) => Interlocked.Increment(ref loads);

        await page.GotoAsync(host.Url("/logpipe/dead-letters"));
        await Eventually.TrueAsync(() => Volatile.Read(ref loads) >= 3, TimeSpan.FromSeconds(30), "the untouched page reloaded itself twice");
        Assert.Contains("not while a form is being filled in", await page.Locator("footer").InnerTextAsync(), StringComparison.Ordinal);

        // A fresh load, then typing at once: well inside the first interval.
        await page.GotoAsync(host.Url("/logpipe/dead-letters"));
        var topic = page.Locator("[data-test=filters] input[name=topic]");
        await topic.FillAsync("peo");
        var loadsWhileTyping = Volatile.Read(ref loads);
        await topic.BlurAsync();

        // Three reloads came due and were held back, not done: the page is the same and so is what was typed.
        await Eventually.TrueAsync(async () => Held(await page.Locator("html").GetAttributeAsync("data-refresh-held")) >= 3, TimeSpan.FromSeconds(30), "three reloads were held back");
        Assert.Equal("peo", await topic.InputValueAsync());
        Assert.Equal(loadsWhileTyping, Volatile.Read(ref loads));
    }

    [Fact]
    public async Task A_focused_field_holds_the_reload_until_it_loses_focus()
    {
        await using var host = await DashboardTestHost.StartAsync(database: _database, refreshInterval: Interval);
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(host.Url("/logpipe/dead-letters"));
        var topic = page.Locator("[data-test=filters] input[name=topic]");
        await topic.FocusAsync();

        await Eventually.TrueAsync(async () => Held(await page.Locator("html").GetAttributeAsync("data-refresh-held")) >= 2, TimeSpan.FromSeconds(30), "two reloads were held back");

        // Not edited: once the field loses focus, the next reload happens (a new document starts counting from none).
        await topic.BlurAsync();
        await Eventually.TrueAsync(async () => await page.Locator("html").GetAttributeAsync("data-refresh-held") is null, TimeSpan.FromSeconds(30), "the page reloaded after the field lost focus");
    }

    private static int Held(string? attribute) => attribute is null ? 0 : int.Parse(attribute, CultureInfo.InvariantCulture);
}
