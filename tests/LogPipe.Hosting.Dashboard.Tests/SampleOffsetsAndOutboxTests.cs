using System.Globalization;
using LogPipe.Hosting.Dashboard.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Microsoft.Playwright;

namespace LogPipe.Hosting.Dashboard.Tests;

/// <summary>
/// The offsets and outbox pages in Chromium against the running sample (development Kafka broker, SQLite, the outbox),
/// which registers the operator library: a move from the page follows the CLI's rules, and the sample's own consumer is
/// the active member the rule is about.
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class SampleOffsetsAndOutboxTests(Chromium chromium)
{
    private const int People = 3;

    /// <summary>
    /// People created at a time while waiting for a record on one partition of the sample's six: each try costs a page
    /// load, and with one person a try a test made six tries on average, and up to 18 s.
    /// </summary>
    private const int PeoplePerTry = 3;

    [Fact]
    public async Task An_offset_rewind_from_the_page_is_refused_while_the_group_is_active_and_works_with_force_and_the_records_are_read_again()
    {
        using var sample = await RunningSample.StartAsync();
        for (var i = 0; i < People; i++) await sample.CreatePersonAsync($"Ada {i}");
        var page = await chromium.NewPageAsync();

        // Every person's record is applied and checkpointed: the people topic's next offsets add up to them.
        var rows = page.Locator("[data-test=offsets] tbody tr").Filter(new LocatorFilterOptions { HasText = "people" });
        await Eventually.TrueAsync(
            async () =>
            {
                await page.GotoAsync(sample.Url("/logpipe/offsets"));
                return await TotalNextAsync(rows) == People;
            },
            TimeSpan.FromSeconds(60),
            () => "Sample output:\n" + sample.Output);
        await ScreenshotAsync(page, "dashboard-offsets.png");
        Assert.Contains("itself an active member", await page.Locator("[data-test=self-member]").InnerTextAsync(), StringComparison.Ordinal);
        var row = await FullestAsync(rows);
        var partition = await row.GetAttributeAsync("data-partition");
        var (next, version) = (Number(await row.Locator("[data-test=next]").InnerTextAsync()), Number(await row.Locator("[data-test=version]").InnerTextAsync()));

        // The partitions page shows the same stored version next to what the consumer loop knows.
        await page.GotoAsync(sample.Url("/logpipe/partitions"));
        var partitionRow = page.Locator("[data-test=partitions] tbody tr").Filter(new LocatorFilterOptions { Has = page.Locator("td").Nth(1).GetByText(partition!.Split('/')[1], new LocatorGetByTextOptions { Exact = true }) });
        Assert.Equal(version, Number(await partitionRow.Locator("[data-test=stored-version]").InnerTextAsync()));
        await page.GotoAsync(sample.Url("/logpipe/offsets"));

        // Without force: refused by the library's rule (the development broker cannot tell whether the group has
        // members; a real one names them), shown on the page, and nothing moved.
        var refused = await page.RunAndWaitForResponseAsync(() => MoveAsync(row, 0, force: false), r => r.Url.EndsWith("/logpipe/offsets/move", StringComparison.Ordinal));
        Assert.Equal(409, refused.Status);
        var refusal = await page.Locator("[data-test=refusal]").InnerTextAsync();
        Assert.Contains("Refused", refusal, StringComparison.Ordinal);
        Assert.Contains("consumer group 'people-replica'", refusal, StringComparison.Ordinal);
        Assert.Contains("then force the move.", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("--force", refusal, StringComparison.Ordinal); // the library's words name no CLI option; the page names its own box
        Assert.Contains("tick the force box", await page.Locator("[data-test=force-hint]").InnerTextAsync(), StringComparison.Ordinal);
        await ScreenshotAsync(page, "dashboard-offsets-refused.png");
        row = page.Locator($"[data-test=offsets] tbody tr[data-partition='{partition}']");
        Assert.Equal(next, Number(await row.Locator("[data-test=next]").InnerTextAsync()));
        Assert.Equal(version, Number(await row.Locator("[data-test=version]").InnerTextAsync()));

        // With force: moved, the checkpoint's version moved on (which fences the running consumer), and the page says so.
        await MoveAsync(row, 0, force: true);
        await page.WaitForURLAsync(url => url.Contains("moved=", StringComparison.Ordinal));
        Assert.Contains($"to next offset 0 (checkpoint version {version + 1}), forced", await page.Locator("[data-test=moved]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, Number(await row.Locator("[data-test=next]").InnerTextAsync()));
        Assert.Equal(version + 1, Number(await row.Locator("[data-test=version]").InnerTextAsync()));

        // The consumer is fenced at its next commit on that partition and resumes from offset 0: it reads the rewound
        // records again (the sample skips the copies of outbox records it applied already) and checkpoints the partition
        // to its end once more, over the moved checkpoint. People are created, a few at a time, until one lands on that partition.
        var created = People;
        await Eventually.TrueAsync(
            async () =>
            {
                for (var i = 0; i < PeoplePerTry; i++) await sample.CreatePersonAsync($"Grace {created++}");
                await page.GotoAsync(sample.Url("/logpipe/offsets"));
                return Number(await row.Locator("[data-test=version]").InnerTextAsync()) > version + 1
                    && Number(await row.Locator("[data-test=next]").InnerTextAsync()) >= next;
            },
            TimeSpan.FromSeconds(60),
            () => "Sample output:\n" + sample.Output);
    }

    [Fact]
    public async Task The_outbox_page_shows_the_samples_backlog_oldest_entry_and_set_aside_entries()
    {
        using var sample = await RunningSample.StartAsync();
        for (var i = 0; i < People; i++) await sample.CreatePersonAsync($"Ada {i}");
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(sample.Url("/logpipe/"));

        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Outbox", Exact = true }).ClickAsync();

        Assert.EndsWith("/logpipe/outbox", page.Url, StringComparison.Ordinal);
        // The relay sends each entry right after its transaction commits: the backlog drains to nothing.
        await Eventually.TrueAsync(
            async () =>
            {
                await page.ReloadAsync();
                return await page.Locator("[data-test=backlog]").InnerTextAsync() == "0";
            },
            TimeSpan.FromSeconds(30),
            () => "Sample output:\n" + sample.Output);
        Assert.Equal("—", await page.Locator("[data-test=oldest]").InnerTextAsync());
        Assert.Equal("0", await page.Locator("[data-test=set-aside]").InnerTextAsync());
        Assert.Equal("No entry is set aside.", await page.Locator("p.empty").First.InnerTextAsync());
        await ScreenshotAsync(page, "dashboard-outbox.png");
    }

    [Fact]
    public async Task Read_only_mode_shows_the_offsets_without_a_move_form_and_refuses_a_move_posted_anyway()
    {
        using var sample = await RunningSample.StartAsync("--LogPipe:Dashboard:ReadOnly", "true");
        await sample.CreatePersonAsync("Ada");
        var (page, _) = await OpenOffsetsWithPeopleRowsAsync(sample);

        Assert.Equal(0, await page.Locator("form").CountAsync());
        Assert.Equal(0, await page.Locator("[data-test=self-member]").CountAsync());
        Assert.Equal("This dashboard is read-only: moving offsets is hidden.", await page.Locator("p.muted").Last.InnerTextAsync());
        var form = page.APIRequest.CreateFormData();
        form.Set("stream", "people");
        form.Set("partition", "0");
        form.Set("to", "beginning");
        form.Set("force", "true");
        var response = await page.APIRequest.PostAsync(sample.Url("/logpipe/offsets/move"), new APIRequestContextOptions { Form = form });
        Assert.Equal(403, response.Status);
        Assert.Contains("read-only", await response.TextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_move_to_a_time_from_the_page_lands_on_the_first_record_at_or_after_it_on_the_development_broker()
    {
        using var sample = await RunningSample.StartAsync();
        await sample.CreatePersonAsync("Ada");
        var (page, rows) = await OpenOffsetsWithPeopleRowsAsync(sample);
        await Eventually.TrueAsync(
            async () =>
            {
                await page.ReloadAsync();
                return await TotalNextAsync(rows) == 1;
            },
            TimeSpan.FromSeconds(60),
            () => "Sample output:\n" + sample.Output);
        var row = await FullestAsync(rows);
        var partition = await row.GetAttributeAsync("data-partition");
        row = page.Locator($"[data-test=offsets] tbody tr[data-partition='{partition}']");

        // A time after Ada's record (applied by now), in whole milliseconds as Kafka keeps them; then records after it
        // on the same partition: people are created, a few at a time, until one lands there.
        var now = DateTimeOffset.UtcNow;
        var between = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
        var created = 0;
        await Eventually.TrueAsync(
            async () =>
            {
                for (var i = 0; i < PeoplePerTry; i++) await sample.CreatePersonAsync($"Grace {created++}");
                await page.GotoAsync(sample.Url("/logpipe/offsets"));
                return Number(await row.Locator("[data-test=next]").InnerTextAsync()) > 1;
            },
            TimeSpan.FromSeconds(60),
            () => "Sample output:\n" + sample.Output);
        var version = Number(await row.Locator("[data-test=version]").InnerTextAsync());

        await row.Locator("select[name=to]").SelectOptionAsync("time");
        await row.Locator("input[name=time]").FillAsync(between.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        await row.Locator("input[name=force]").CheckAsync();
        await row.Locator("button[data-action=move-offset]").ClickAsync();

        // The development broker answers "no record that late"; the last record contradicts it, so the records decide:
        // the first one after Ada's, offset 1.
        await page.WaitForURLAsync(url => url.Contains("moved=", StringComparison.Ordinal));
        // The consumer may still commit a record of that partition between the page read and the move: the version is the
        // one the move stored, at least one past what the page showed.
        var moved = await page.Locator("[data-test=moved]").InnerTextAsync();
        var match = System.Text.RegularExpressions.Regex.Match(moved, @"to next offset (\d+) \(checkpoint version (\d+)\), forced");
        Assert.True(match.Success, moved);
        Assert.Equal(1, long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        var stored = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(stored > version, $"{moved} (the page showed version {version})");
        // The page below the notice shows the new checkpoint, unless the fenced consumer already moved it on again.
        if (Number(await row.Locator("[data-test=version]").InnerTextAsync()) == stored) Assert.Equal(1, Number(await row.Locator("[data-test=next]").InnerTextAsync()));
    }

    [Fact]
    public async Task A_move_to_an_unreadable_time_from_the_page_is_bad_input_naming_the_format()
    {
        using var sample = await RunningSample.StartAsync();
        await sample.CreatePersonAsync("Ada");
        var (page, rows) = await OpenOffsetsWithPeopleRowsAsync(sample);
        var row = rows.First;

        await row.Locator("select[name=to]").SelectOptionAsync("time");
        await row.Locator("input[name=time]").FillAsync("yesterday");
        await row.Locator("input[name=force]").CheckAsync();
        var response = await page.RunAndWaitForResponseAsync(
            () => row.Locator("button[data-action=move-offset]").ClickAsync(), r => r.Url.EndsWith("/logpipe/offsets/move", StringComparison.Ordinal));

        Assert.Equal(400, response.Status);
        Assert.Contains("'yesterday' is not a time: give an ISO 8601 time such as 2026-03-01T12:00:00Z", await page.Locator("[data-test=refusal]").InnerTextAsync(), StringComparison.Ordinal);
    }

    private async Task<(IPage Page, ILocator Rows)> OpenOffsetsWithPeopleRowsAsync(RunningSample sample)
    {
        var page = await chromium.NewPageAsync();
        var rows = page.Locator("[data-test=offsets] tbody tr").Filter(new LocatorFilterOptions { HasText = "people" });
        await Eventually.TrueAsync(
            async () =>
            {
                await page.GotoAsync(sample.Url("/logpipe/offsets"));
                return await rows.CountAsync() > 0;
            },
            TimeSpan.FromSeconds(60),
            () => "Sample output:\n" + sample.Output);
        return (page, rows);
    }

    private static async Task<long> TotalNextAsync(ILocator rows)
    {
        var total = 0L;
        for (var i = 0; i < await rows.CountAsync(); i++) total += Number(await rows.Nth(i).Locator("[data-test=next]").InnerTextAsync());
        return total;
    }

    private static async Task MoveAsync(ILocator row, long offset, bool force)
    {
        await row.Locator("select[name=to]").SelectOptionAsync("offset");
        await row.Locator("input[name=value]").FillAsync(offset.ToString(CultureInfo.InvariantCulture));
        if (force) await row.Locator("input[name=force]").CheckAsync();
        await row.Locator("button[data-action=move-offset]").ClickAsync();
    }

    private static async Task<ILocator> FullestAsync(ILocator rows)
    {
        var (best, bestNext) = (rows.First, -1L);
        for (var i = 0; i < await rows.CountAsync(); i++)
        {
            var next = Number(await rows.Nth(i).Locator("[data-test=next]").InnerTextAsync());
            if (next > bestNext) (best, bestNext) = (rows.Nth(i), next);
        }

        return best;
    }

    /// <summary>A number as the page writes it; a partition without a checkpoint yet shows "—" (nothing applied: 0).</summary>
    private static long Number(string text) => text == "—" ? 0 : long.Parse(text.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    private static Task ScreenshotAsync(IPage page, string name) => Screenshots.TakeAsync(page, name);
}
