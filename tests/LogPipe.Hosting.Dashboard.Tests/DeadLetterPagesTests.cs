using System.Net;
using System.Text;
using LogPipe.Hosting.Dashboard.Tests.Support;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace LogPipe.Hosting.Dashboard.Tests;

/// <summary>
/// The dead-letter pages in a real headless Chromium, against a service keeping its dead letters in SQLite: records that
/// could not be applied are listed, filtered, shown decoded, replayed until applied, and purged after a confirmation.
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class DeadLetterPagesTests(Chromium chromium) : IAsyncLifetime
{
    private readonly string _database = TestApp.NewDatabasePath();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        TestApp.DeleteDatabase(_database);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_dead_letters_page_lists_poison_records_and_filters_them_by_topic_error_kind_and_time()
    {
        await using var host = await DashboardTestHost.StartAsync(database: _database);
        var joe = await DeadLetterSaveFailureAsync(host, "Joe");
        await DeadLetterGarbageAsync(host, "garbage");
        var page = await chromium.NewPageAsync();

        await page.GotoAsync(host.Url("/logpipe/"));
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Dead letters" }).ClickAsync();

        Assert.EndsWith("/logpipe/dead-letters", page.Url, StringComparison.Ordinal);
        Assert.Equal(2, await Rows(page).CountAsync());
        await Screenshots.TakeAsync(page, "dashboard-dead-letters.png");

        await page.SelectOptionAsync("select[name=kind]", "SaveFailed");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Filter" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("kind=SaveFailed", StringComparison.Ordinal));
        Assert.Equal(1, await Rows(page).CountAsync());
        var cells = await Rows(page).First.Locator("td").AllInnerTextsAsync();
        Assert.Equal((joe.ToString(), DashboardTestHost.PeopleTopic, "person v1"), (cells[0], cells[1], cells[4]));
        Assert.Contains("SaveFailed", cells[5], StringComparison.Ordinal);

        await page.GotoAsync(host.Url("/logpipe/dead-letters?topic=people&since=2999-01-01T00:00"));
        Assert.Equal(0, await Rows(page).CountAsync());
        Assert.Contains("No dead letters match", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        var refused = await page.GotoAsync(host.Url("/logpipe/dead-letters?since=yesterday"));
        Assert.Equal((int)HttpStatusCode.BadRequest, refused!.Status);
        Assert.Contains("'yesterday' is not a time for 'since'", await page.Locator("[data-test=problem]").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dead_letters_detail_shows_its_record_decoded_and_an_undecodable_one_as_hex()
    {
        await using var host = await DashboardTestHost.StartAsync(database: _database);
        var joe = await DeadLetterSaveFailureAsync(host, "Joe");
        var garbage = await DeadLetterGarbageAsync(host, "garbage");
        var page = await chromium.NewPageAsync();

        await page.GotoAsync(host.Url("/logpipe/dead-letters"));
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = joe.ToString(), Exact = true }).ClickAsync();

        Assert.Equal("person v1 · json", await page.Locator("[data-test=envelope]").InnerTextAsync());
        Assert.Contains("\"first_name\": \"Joe\"", await page.Locator("[data-test=record]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("people / 0 at offset 0", await page.Locator("[data-test=source]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("simulated save failure", await page.Locator("[data-test=error]").InnerTextAsync(), StringComparison.Ordinal);
        await Screenshots.TakeAsync(page, "dashboard-dead-letter.png");

        await page.GotoAsync(host.Url($"/logpipe/dead-letters/{garbage}"));
        Assert.StartsWith("Not a readable envelope", await page.Locator("[data-test=envelope]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("67 61 72 62 61 67 65", await page.Locator("[data-test=hex]").InnerTextAsync());

        var missing = await page.GotoAsync(host.Url("/logpipe/dead-letters/999999"));
        Assert.Equal((int)HttpStatusCode.NotFound, missing!.Status);
        Assert.Equal("No dead letter with id 999999.", await page.Locator("[data-test=problem]").InnerTextAsync());
    }

    [Fact]
    public async Task Replaying_a_dead_letter_from_the_page_leads_to_the_record_being_applied()
    {
        await using var host = await DashboardTestHost.StartAsync(database: _database);
        var uuid = Guid.NewGuid();
        // The save fails once: the record is dead-lettered, and applies when replayed.
        var id = await DeadLetterSaveFailureAsync(host, "Ann", uuid);
        Assert.Empty(await host.QueryAsync(db => db.People.Where(p => p.Uuid == uuid).ToListAsync()));
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(host.Url($"/logpipe/dead-letters/{id}"));

        await page.Locator("button[data-action=replay]").ClickAsync();

        await page.WaitForURLAsync(url => url.Contains("replayed=1", StringComparison.Ordinal));
        Assert.StartsWith("Marked 1 dead letter(s) for replay", await page.Locator("[data-test=notice]").InnerTextAsync(), StringComparison.Ordinal);
        await Eventually.TrueAsync(
            async () => (await host.QueryAsync(db => db.People.CountAsync(p => p.Uuid == uuid))) == 1,
            TimeSpan.FromSeconds(30),
            "the replayed record was applied");
        await Eventually.TrueAsync(async () => (await DeadLettersAsync(host)).Count == 0, TimeSpan.FromSeconds(30), "the applied dead letter was removed");
        Assert.Contains(LogEvents.DashboardActionRun, host.Logs.Entries.Select(e => e.EventId.Id));
    }

    [Fact]
    public async Task Purge_asks_for_confirmation_naming_how_many_go_and_then_removes_only_those()
    {
        await using var host = await DashboardTestHost.StartAsync(database: _database);
        var first = await DeadLetterGarbageAsync(host, "garbage 1");
        var second = await DeadLetterGarbageAsync(host, "garbage 2");
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(host.Url("/logpipe/dead-letters?topic=people"));

        await page.Locator("a[data-action=purge-all]").ClickAsync();

        Assert.StartsWith("2 dead letter(s) will be deleted for good", await page.Locator("[data-test=purge-count]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal($"Ids: {first}, {second}", await page.Locator("[data-test=purge-ids]").InnerTextAsync());
        Assert.Equal(2, (await DeadLettersAsync(host)).Count); // asking is not purging
        await Screenshots.TakeAsync(page, "dashboard-dead-letters-purge.png");
        // One more arrives while the operator reads: it was not counted, so it stays.
        var third = await DeadLetterGarbageAsync(host, "garbage 3");

        await page.Locator("button[data-action=confirm-purge]").ClickAsync();

        await page.WaitForURLAsync(url => url.Contains("purged=2", StringComparison.Ordinal));
        Assert.Equal("Purged 2 dead letter(s).", await page.Locator("[data-test=notice]").InnerTextAsync());
        Assert.Equal(new[] { third }, (await DeadLettersAsync(host)).Select(d => d.Id));
        Assert.Equal(1, await Rows(page).CountAsync());
    }

    [Fact]
    public async Task Read_only_mode_hides_replay_and_purge_and_refuses_their_posts()
    {
        await using (var writable = await DashboardTestHost.StartAsync(database: _database))
        {
            await DeadLetterGarbageAsync(writable, "garbage");
        }

        await using var host = await DashboardTestHost.StartAsync(readOnly: true, database: _database);
        var id = Assert.Single(await DeadLettersAsync(host)).Id;
        var page = await chromium.NewPageAsync();

        await page.GotoAsync(host.Url("/logpipe/dead-letters"));
        Assert.Equal(1, await Rows(page).CountAsync());
        Assert.Equal(0, await page.Locator("form[method=post], [data-action]").CountAsync());
        await page.GotoAsync(host.Url($"/logpipe/dead-letters/{id}"));
        Assert.Equal(0, await page.Locator("form[method=post], [data-action]").CountAsync());

        foreach (var (path, field, value) in new[] { ("replay", "id", id.ToString()), ("purge", "ids", id.ToString()) })
        {
            var form = page.APIRequest.CreateFormData();
            form.Set(field, value);
            var response = await page.APIRequest.PostAsync(host.Url($"/logpipe/dead-letters/{path}"), new APIRequestContextOptions { Form = form });
            Assert.Equal((int)HttpStatusCode.Forbidden, response.Status);
        }

        var stored = Assert.Single(await DeadLettersAsync(host));
        Assert.Null(stored.ReplayRequestedAt);
        Assert.Equal(2, host.Logs.Entries.Count(e => e.EventId.Id == LogEvents.DashboardActionRefusedReadOnly));
    }

    [Fact]
    public async Task A_replay_the_operations_library_refuses_shows_its_reason_as_a_page()
    {
        await using var host = await DashboardTestHost.StartAsync(database: _database);
        var id = await DeadLetterGarbageAsync(host, "garbage");
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(host.Url($"/logpipe/dead-letters/{id}"));
        // Another operator purges it while this page is open.
        await host.QueryAsync(db => db.Set<LogPipeDeadLetter>().Where(d => d.Id == id).ExecuteDeleteAsync());

        var response = await page.RunAndWaitForResponseAsync(
            () => page.Locator("button[data-action=replay]").ClickAsync(),
            r => r.Url.EndsWith("/dead-letters/replay", StringComparison.Ordinal));

        Assert.Equal((int)HttpStatusCode.NotFound, response.Status);
        Assert.Equal("Replay refused", await page.Locator("h1").InnerTextAsync());
        Assert.Equal($"No dead letter with id {id}.", await page.Locator("[data-test=problem]").InnerTextAsync());
    }

    private static ILocator Rows(IPage page) => page.Locator("[data-test=dead-letters] tbody tr");

    private static Task<List<LogPipeDeadLetter>> DeadLettersAsync(DashboardTestHost host) =>
        host.QueryAsync(db => db.Set<LogPipeDeadLetter>().AsNoTracking().OrderBy(d => d.Id).ToListAsync());

    /// <summary>Appends a valid person record whose save fails once, and returns its dead letter's id.</summary>
    private static Task<long> DeadLetterSaveFailureAsync(DashboardTestHost host, string name, Guid? uuid = null)
    {
        var id = uuid ?? Guid.NewGuid();
        host.Probe.FailTimes[id] = 1;
        return AppendAndAwaitDeadLetterAsync(host, $$$"""json:{"type":"person","version":1,"message":{"uuid":"{{{id}}}","first_name":"{{{name}}}","last_name":"Schmoe"}}""");
    }

    /// <summary>Appends bytes that are no envelope at all, and returns their dead letter's id.</summary>
    private static Task<long> DeadLetterGarbageAsync(DashboardTestHost host, string text) => AppendAndAwaitDeadLetterAsync(host, text);

    private static async Task<long> AppendAndAwaitDeadLetterAsync(DashboardTestHost host, string value)
    {
        var before = (await DeadLettersAsync(host)).Select(d => d.Id).ToHashSet();
        host.Broker.Append(DashboardTestHost.PeopleTopic, null, Encoding.UTF8.GetBytes(value));
        long? id = null;
        await Eventually.TrueAsync(
            async () => (id = (await DeadLettersAsync(host)).Select(d => (long?)d.Id).FirstOrDefault(d => !before.Contains(d!.Value))) is not null,
            TimeSpan.FromSeconds(30),
            "the record was dead-lettered");
        return id!.Value;
    }
}
