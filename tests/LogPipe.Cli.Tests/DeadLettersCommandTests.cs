using System.Text;
using System.Text.Json;
using LogPipe.Cli.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Cli.Tests;

public sealed class DeadLettersCommandTests : IDisposable
{
    private readonly CliWorkspace _workspace = CliWorkspace.Create();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task List_shows_the_groups_dead_letters_oldest_first_with_filters_and_paging()
    {
        var first = await _workspace.AddDeadLetterAsync(CliWorkspace.JoeV2);
        var second = await _workspace.AddDeadLetterAsync("garbage", kind: "Undecodable", type: null, version: null, stream: "places");
        var third = await _workspace.AddDeadLetterAsync(CliWorkspace.JoeV2);
        await _workspace.AddDeadLetterAsync(CliWorkspace.JoeV2, group: "billing");

        var all = (await _workspace.RunAsync("dead-letters", "list")).Expect(ExitCodes.Success).Out;
        var lines = all.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches(@"^ID\s+STREAM\s+PARTITION\s+OFFSET\s+TYPE\s+VERSION\s+KIND\s+ATTEMPTS\s+DEAD-LETTERED\s+REPLAY\s+ERROR$", lines[0]);
        Assert.Matches($@"^{first}\s+people\s+0\s+7\s+person\s+2\s+UnknownVersion\s+1\s+\S+Z\s+-\s+No serializer for person version 2\.$", lines[1]);
        Assert.Matches($@"^{second}\s+places\s+0\s+7\s+-\s+-\s+Undecodable\s+", lines[2]);
        Assert.Equal("1-3 of 3 dead letters of consumer group 'people-replica'. 'logpipe dead-letters show <id>' shows one.", lines[^1]);

        var filtered = (await _workspace.RunAsync("dead-letters", "list", "--kind", "unknownversion", "--skip", "1", "--json")).Expect(ExitCodes.Success).Out;
        using var json = JsonDocument.Parse(filtered);
        Assert.Equal(2, json.RootElement.GetProperty("total").GetInt32());
        Assert.Equal([third], json.RootElement.GetProperty("deadLetters").EnumerateArray().Select(d => d.GetProperty("id").GetInt64()));

        var none = (await _workspace.RunAsync("dead-letters", "list", "--stream", "nowhere")).Expect(ExitCodes.Success).Out;
        Assert.Contains("No dead letters match (0 in consumer group 'people-replica')", none, StringComparison.Ordinal);
        var billing = (await _workspace.RunAsync("dead-letters", "list", "--group", "billing", "--type", "person")).Expect(ExitCodes.Success).Out;
        Assert.Contains("of 1 dead letters of consumer group 'billing'", billing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_error_kind_is_a_usage_error_that_lists_the_kinds()
    {
        var result = (await _workspace.RunAsync("dead-letters", "list", "--kind", "Broken")).Expect(ExitCodes.Usage);
        Assert.Contains("Unknown error kind 'Broken': use one of Undecodable, UnknownFormat,", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_prints_one_dead_letter_with_its_record_decoded_json_or_msgpack()
    {
        var msgpack = CliWorkspace.Envelope("msgpack", "person", 3, new PersonV2(Guid.Empty, "Zoë", "Ångström", null), producer: "people-api");
        var headers = JsonSerializer.Serialize(new[] { new[] { "traceparent", Convert.ToBase64String(Encoding.UTF8.GetBytes("00-abc-def-01")) } });
        var id = await _workspace.AddDeadLetterAsync(msgpack, type: "person", version: 3, key: Encoding.UTF8.GetBytes("zoe"), headers: headers);

        var text = (await _workspace.RunAsync("dead-letters", "show", id.ToString())).Expect(ExitCodes.Success).Out;
        Assert.Contains($"Dead letter {id}", text, StringComparison.Ordinal);
        Assert.Contains("  source            memory/people/0 at offset 7", text, StringComparison.Ordinal);
        Assert.Contains("  error             UnknownVersion: No serializer for person version 2.", text, StringComparison.Ordinal);
        Assert.Contains("  header            traceparent=00-abc-def-01", text, StringComparison.Ordinal);
        Assert.Contains("key=zoe  person v3  msgpack  producer=people-api", text, StringComparison.Ordinal);
        Assert.Contains("\"first_name\": \"Zoë\"", text, StringComparison.Ordinal);

        using var json = JsonDocument.Parse((await _workspace.RunAsync("dead-letters", "show", id.ToString(), "--json")).Expect(ExitCodes.Success).Out);
        Assert.Equal("Ångström", json.RootElement.GetProperty("record").GetProperty("message").GetProperty("last_name").GetString());
        Assert.Equal("UnknownVersion", json.RootElement.GetProperty("deadLetter").GetProperty("errorKind").GetString());
    }

    [Fact]
    public async Task Show_of_an_unknown_id_is_not_found()
    {
        var result = (await _workspace.RunAsync("dead-letters", "show", "4242")).Expect(ExitCodes.NotFound);
        Assert.Equal("logpipe: No dead letter with id 4242.", result.Error.Trim());
    }

    [Fact]
    public async Task Replay_marks_the_selected_dead_letters_for_the_running_service()
    {
        var joe = await _workspace.AddDeadLetterAsync(CliWorkspace.JoeV2);
        var garbage = await _workspace.AddDeadLetterAsync("garbage", kind: "Undecodable");

        var result = (await _workspace.RunAsync("dead-letters", "replay", "--kind", "UnknownVersion")).Expect(ExitCodes.Success);

        Assert.Contains($"Marked 1 dead letter(s) of consumer group 'people-replica' for replay: ids {joe}.", result.Out, StringComparison.Ordinal);
        var rows = await _workspace.DeadLettersAsync();
        Assert.NotNull(rows.Single(d => d.Id == joe).ReplayRequestedAt);
        Assert.Null(rows.Single(d => d.Id == garbage).ReplayRequestedAt);
        Assert.Matches($@"{joe}\s.*\srequested\s", (await _workspace.RunAsync("dead-letters", "list")).Out);
    }

    [Fact]
    public async Task Replay_wait_reports_the_dead_letters_the_running_service_applied()
    {
        var joe = await _workspace.AddDeadLetterAsync(CliWorkspace.JoeV2);
        await using var service = await WorkspaceService.StartReplayingAsync(_workspace, knowsVersion2: true);

        var result = (await _workspace.RunAsync("dead-letters", "replay", "--id", joe.ToString(), "--wait")).Expect(ExitCodes.Success);

        Assert.Contains("Replayed 1 of 1; 0 failed again; 0 still pending.", result.Out, StringComparison.Ordinal);
        Assert.Empty(await _workspace.DeadLettersAsync());
        await using var db = _workspace.Db();
        Assert.Equal("joe@example.com", (await db.People.SingleAsync()).Email);
    }

    [Fact]
    public async Task Replay_wait_reports_dead_letters_that_failed_again_with_their_new_error_and_exit_code_1()
    {
        var joe = await _workspace.AddDeadLetterAsync(CliWorkspace.JoeV2);
        await using var service = await WorkspaceService.StartReplayingAsync(_workspace, knowsVersion2: false);

        var result = (await _workspace.RunAsync("dead-letters", "replay", "--wait")).Expect(ExitCodes.Failed);

        Assert.Contains("Replayed 0 of 1; 1 failed again; 0 still pending.", result.Out, StringComparison.Ordinal);
        Assert.Contains($"  {joe}  UnknownVersion: ", result.Out, StringComparison.Ordinal);
        var row = Assert.Single(await _workspace.DeadLettersAsync());
        Assert.Equal((2, (DateTimeOffset?)null), (row.Attempts, row.ReplayRequestedAt));
    }

    [Fact]
    public async Task Replay_wait_without_a_running_service_gives_up_at_the_timeout()
    {
        var joe = await _workspace.AddDeadLetterAsync(CliWorkspace.JoeV2);

        var result = (await _workspace.RunAsync("dead-letters", "replay", "--wait", "--timeout", "1")).Expect(ExitCodes.Failed);

        Assert.Contains("Replayed 0 of 1; 0 failed again; 1 still pending.", result.Out, StringComparison.Ordinal);
        Assert.Contains($"logpipe: ids {joe} still pending after 1 s. Is the service running", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_or_purge_of_an_unknown_id_is_not_found_and_changes_nothing()
    {
        var joe = await _workspace.AddDeadLetterAsync(CliWorkspace.JoeV2);

        var replay = (await _workspace.RunAsync("dead-letters", "replay", "--id", joe.ToString(), "--id", "999")).Expect(ExitCodes.NotFound);
        var purge = (await _workspace.RunAsync("dead-letters", "purge", "--id", "999", "--yes")).Expect(ExitCodes.NotFound);

        Assert.Equal("logpipe: No dead letter with id 999.", replay.Error.Trim());
        Assert.Equal("logpipe: No dead letter with id 999.", purge.Error.Trim());
        Assert.Null(Assert.Single(await _workspace.DeadLettersAsync()).ReplayRequestedAt);
    }

    [Fact]
    public async Task Ids_do_not_combine_with_filters()
    {
        var result = (await _workspace.RunAsync("dead-letters", "purge", "--id", "1", "--stream", "people")).Expect(ExitCodes.Usage);
        Assert.Contains("do not combine it with --stream", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Purge_refuses_without_yes_when_nobody_can_answer_and_deletes_only_what_matches_with_it()
    {
        await _workspace.AddDeadLetterAsync(CliWorkspace.JoeV2);
        var garbage = await _workspace.AddDeadLetterAsync("garbage", kind: "Undecodable");
        await _workspace.AddDeadLetterAsync("garbage", kind: "Undecodable", group: "billing");

        // A process of its own, with no terminal: input closed, output a pipe.
        var refused = (await _workspace.RunProcessAsync("dead-letters", "purge", "--kind", "Undecodable")).Expect(ExitCodes.Refused);
        Assert.Contains("1 dead letter(s) of consumer group 'people-replica' match; nothing deleted. Run again with --yes", refused.Error, StringComparison.Ordinal);
        Assert.Equal(3, (await _workspace.DeadLettersAsync()).Count);

        var purged = (await _workspace.RunAsync("dead-letters", "purge", "--kind", "Undecodable", "--yes")).Expect(ExitCodes.Success);
        Assert.Contains("Deleted 1 dead letter(s).", purged.Out, StringComparison.Ordinal);
        var left = await _workspace.DeadLettersAsync();
        Assert.Equal(2, left.Count);
        Assert.DoesNotContain(garbage, left.Select(d => d.Id));

        var none = (await _workspace.RunAsync("dead-letters", "purge", "--stream", "nowhere", "--yes")).Expect(ExitCodes.Success);
        Assert.Contains("No dead letters of consumer group 'people-replica' match; nothing to delete.", none.Out, StringComparison.Ordinal);
    }
}
