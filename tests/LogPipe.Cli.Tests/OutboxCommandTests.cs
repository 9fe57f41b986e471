using System.Text;
using System.Text.Json;
using LogPipe.Cli.Tests.Support;
using LogPipe.Hosting.EntityFrameworkCore;

namespace LogPipe.Cli.Tests;

public sealed class OutboxCommandTests : IDisposable
{
    private readonly CliWorkspace _workspace = CliWorkspace.Create();

    public void Dispose() => _workspace.Dispose();

    private async Task<List<long>> AddEntriesAsync()
    {
        await using var db = _workspace.Db();
        var now = DateTimeOffset.UtcNow;
        var entries = new[]
        {
            new LogPipeOutboxEntry { Topic = "people", Key = "joe", Value = Encoding.UTF8.GetBytes(CliWorkspace.JoeV2), MessageType = "person", Version = 2, CreatedAt = now.AddMinutes(-5) },
            new LogPipeOutboxEntry
            {
                Topic = "people", Key = "huge", Value = new byte[5000], MessageType = "person", Version = 2, CreatedAt = now.AddMinutes(-4), Attempts = 1,
                SetAsideAt = now.AddMinutes(-3), LastError = "Broker_MsgSizeTooLarge: 1 of 1 records were not delivered",
            },
            new LogPipeOutboxEntry { Topic = "people", Key = "ann", Value = Encoding.UTF8.GetBytes(CliWorkspace.JoeV2), MessageType = "person", Version = 2, CreatedAt = now.AddMinutes(-2) },
        };
        db.AddRange(entries);
        db.Add(new LogPipeOutboxLease { Name = "outbox", Owner = "web-1:42:abc", ExpiresAtUnixMs = now.AddSeconds(20).ToUnixTimeMilliseconds(), SourceId = "0b9a4b8e-3f7c-4f0e-9a43-5d2b1c7e6f10" });
        await db.SaveChangesAsync();
        return [.. entries.Select(e => e.Id)];
    }

    [Fact]
    public async Task List_shows_entries_in_commit_order_and_the_set_aside_ones_with_their_reason()
    {
        var ids = await AddEntriesAsync();

        var all = (await _workspace.RunAsync("outbox", "list")).Expect(ExitCodes.Success).Out;
        var lines = all.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches(@"^ID\s+TOPIC\s+KEY\s+TYPE\s+VERSION\s+SIZE\s+COMMITTED\s+ATTEMPTS\s+STATE\s+ERROR$", lines[0]);
        Assert.Matches($@"^{ids[0]}\s+people\s+joe\s+person\s+2\s+\d+\s+\S+Z\s+0\s+waiting\s+-$", lines[1]);
        Assert.Matches($@"^{ids[1]}\s+people\s+huge\s+person\s+2\s+5000\s+\S+Z\s+1\s+set aside \S+Z\s+Broker_MsgSizeTooLarge: 1 of 1 records were not delivered$", lines[2]);
        Assert.Equal("3 of 3 outbox entries, oldest first.", lines[^1]);

        var aside = (await _workspace.RunAsync("outbox", "list", "--set-aside", "--json")).Expect(ExitCodes.Success).Out;
        using var json = JsonDocument.Parse(aside);
        Assert.Equal(1, json.RootElement.GetProperty("total").GetInt32());
        var entry = Assert.Single(json.RootElement.GetProperty("entries").EnumerateArray());
        Assert.Equal(ids[1], entry.GetProperty("id").GetInt64());
        Assert.StartsWith("Broker_MsgSizeTooLarge", entry.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        var waiting = (await _workspace.RunAsync("outbox", "list", "--waiting", "--take", "1")).Expect(ExitCodes.Success).Out;
        Assert.Contains("1 of 2 waiting outbox entries, oldest first.", waiting, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_show_backlog_oldest_age_set_aside_count_source_and_lease()
    {
        await AddEntriesAsync();

        var text = (await _workspace.RunAsync("outbox", "stats")).Expect(ExitCodes.Success).Out;
        Assert.Contains("waiting         2", text, StringComparison.Ordinal);
        Assert.Matches(@"oldest waiting  \S+Z \(3\d\d\.\d s ago\)", text);
        Assert.Contains("set aside       1 ('logpipe outbox list --set-aside' shows them)", text, StringComparison.Ordinal);
        Assert.Contains("source id       0b9a4b8e-3f7c-4f0e-9a43-5d2b1c7e6f10", text, StringComparison.Ordinal);
        Assert.Contains("relay lease     web-1:42:abc, until ", text, StringComparison.Ordinal);

        using var json = JsonDocument.Parse((await _workspace.RunAsync("outbox", "stats", "--json")).Expect(ExitCodes.Success).Out);
        Assert.Equal(2, json.RootElement.GetProperty("backlog").GetInt64());
        Assert.Equal(1, json.RootElement.GetProperty("setAside").GetInt64());
    }

    [Fact]
    public async Task An_empty_outbox_says_so_and_both_filters_at_once_are_a_usage_error()
    {
        Assert.Contains("No outbox entries.", (await _workspace.RunAsync("outbox", "list")).Expect(ExitCodes.Success).Out, StringComparison.Ordinal);
        Assert.Contains("waiting         0", (await _workspace.RunAsync("outbox", "stats")).Expect(ExitCodes.Success).Out, StringComparison.Ordinal);
        var both = (await _workspace.RunAsync("outbox", "list", "--set-aside", "--waiting")).Expect(ExitCodes.Usage);
        Assert.Contains("--set-aside and --waiting exclude each other", both.Error, StringComparison.Ordinal);
    }
}
