using System.Text;
using System.Text.Json;
using LogPipe.Cli.Tests.Support;

namespace LogPipe.Cli.Tests;

/// <summary>
/// Records and dead letters come from other services and may carry terminal control sequences: what the tool prints for
/// people shows them as visible escapes, and its JSON stays valid JSON that holds the original text.
/// </summary>
public sealed class TerminalOutputTests : IClassFixture<KafkaFixture>, IDisposable
{
    // Clear the screen, retitle the window, a hyperlink, the bell, carriage return, backspace, a C1 CSI, a bidi override.
    private const string ScreenAndTitle = "\u001b[2J\u001b]0;owned\u0007";
    private const string LinkAndRest = "\u001b]8;;http://x\u001b\\link\rover\bX\u009b31m\u202eevil\u2066";
    private const string Hostile = ScreenAndTitle + LinkAndRest;

    private readonly KafkaFixture _kafka;
    private readonly CliWorkspace _workspace;

    public TerminalOutputTests(KafkaFixture kafka)
    {
        _kafka = kafka;
        _workspace = CliWorkspace.Create(kafka.BootstrapServers);
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Tail_prints_control_characters_from_a_record_as_visible_escapes()
    {
        var topic = await TopicWithHostileRecordAsync();

        var result = (await _workspace.RunAsync("tail", topic, "--from", "beginning", "--exit-at-end")).Expect(ExitCodes.Success);

        AssertNoControlCharacters(result.Out + result.Error);
        Assert.Contains("key=k\\u202e1", result.Out, StringComparison.Ordinal);
        Assert.Contains("person\\x1b[2J\\x1b]0;owned\\x07 v2", result.Out, StringComparison.Ordinal);
        Assert.Contains("producer=api\\x1b]8;;http://x\\x1b\\link\\rover\\x08X\\x9b31m\\u202eevil\\u2066", result.Out, StringComparison.Ordinal);
        Assert.Contains("\"first_name\": \"\\u202eevil\"", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_json_escapes_control_characters_and_keeps_the_text()
    {
        var topic = await TopicWithHostileRecordAsync();

        var result = (await _workspace.RunAsync("tail", topic, "--from", "beginning", "--exit-at-end", "--json")).Expect(ExitCodes.Success);

        AssertNoControlCharacters(result.Out);
        using var record = JsonDocument.Parse(result.Out.Trim());
        Assert.Equal("person" + ScreenAndTitle, record.RootElement.GetProperty("type").GetString());
        Assert.Equal("api" + LinkAndRest, record.RootElement.GetProperty("producer").GetString());
        Assert.Equal("k\u202e1", record.RootElement.GetProperty("key").GetString());
        Assert.Equal("\u202eevil", record.RootElement.GetProperty("message").GetProperty("first_name").GetString());
    }

    [Fact]
    public async Task Dead_letters_list_and_show_print_control_characters_as_visible_escapes()
    {
        var value = CliWorkspace.Envelope("json", "person\u001b[2J", 2, new { first_name = "\u202eevil" }, producer: "api\u0007");
        var id = await _workspace.AddDeadLetterAsync(value, type: "person\u001b[2J", error: "Unknown type " + Hostile, key: Encoding.UTF8.GetBytes("k\u202e"));

        var list = (await _workspace.RunAsync("dead-letters", "list")).Expect(ExitCodes.Success);
        var show = (await _workspace.RunAsync("dead-letters", "show", id.ToString(System.Globalization.CultureInfo.InvariantCulture))).Expect(ExitCodes.Success);

        AssertNoControlCharacters(list.Out + list.Error + show.Out + show.Error);
        Assert.Matches(@"person\\x1b\[2J\s+2\s+UnknownVersion\s+1\s+\S+\s+-\s+Unknown type \\x1b\[2J\\x1b\]0;owned\\x07", list.Out);
        Assert.Contains("error             UnknownVersion: Unknown type \\x1b[2J\\x1b]0;owned\\x07\\x1b]8;;http://x\\x1b\\link\\rover\\x08X\\x9b31m\\u202eevil\\u2066", show.Out, StringComparison.Ordinal);
        Assert.Contains("key=k\\u202e  person\\x1b[2J v2  json  producer=api\\x07", show.Out, StringComparison.Ordinal);
        Assert.Contains("\"first_name\": \"\\u202eevil\"", show.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dead_letters_json_escapes_control_characters_and_keeps_the_text()
    {
        var value = CliWorkspace.Envelope("json", "person", 2, new { first_name = "\u202eevil" });
        var id = await _workspace.AddDeadLetterAsync(value, error: "Unknown type " + Hostile);

        var list = (await _workspace.RunAsync("dead-letters", "list", "--json")).Expect(ExitCodes.Success);
        var show = (await _workspace.RunAsync("dead-letters", "show", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json")).Expect(ExitCodes.Success);

        AssertNoControlCharacters(list.Out + show.Out);
        using var listed = JsonDocument.Parse(list.Out);
        Assert.Equal("Unknown type " + Hostile, listed.RootElement.GetProperty("deadLetters")[0].GetProperty("error").GetString());
        using var shown = JsonDocument.Parse(show.Out);
        Assert.Equal("Unknown type " + Hostile, shown.RootElement.GetProperty("deadLetter").GetProperty("error").GetString());
        Assert.Equal("\u202eevil", shown.RootElement.GetProperty("record").GetProperty("message").GetProperty("first_name").GetString());
    }

    [Fact]
    public async Task A_message_escaping_half_a_surrogate_pair_is_printed_instead_of_stopping_the_tail()
    {
        var topic = _kafka.NewTopic();
        await _kafka.ProduceAsync(topic, 0, (null, Encoding.UTF8.GetBytes("""json:{"type":"person","version":2,"message":{"first_name":"\ud800"}}""")));

        var text = (await _workspace.RunAsync("tail", topic, "--from", "beginning", "--exit-at-end")).Expect(ExitCodes.Success);
        var json = (await _workspace.RunAsync("tail", topic, "--from", "beginning", "--exit-at-end", "--json")).Expect(ExitCodes.Success);

        Assert.Contains("""{"first_name":"\ud800"}""", text.Out, StringComparison.Ordinal);
        using var record = JsonDocument.Parse(json.Out.Trim());
        Assert.Equal("""{"first_name":"\ud800"}""", record.RootElement.GetProperty("message").GetString());
    }

    private async Task<string> TopicWithHostileRecordAsync()
    {
        var topic = _kafka.NewTopic();
        await _kafka.ProduceAsync(topic, 0,
            ("k\u202e1", CliWorkspace.Envelope("json", "person" + ScreenAndTitle, 2, new { first_name = "\u202eevil" }, producer: "api" + LinkAndRest)));
        return topic;
    }

    /// <summary>No character a terminal acts on: C0 controls (but line breaks), DEL, C1 controls, bidi controls, lone surrogates.</summary>
    private static void AssertNoControlCharacters(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            var control = (c < ' ' && c is not '\n' and not '\r') || c is >= '\u007f' and <= '\u009f' || (char.IsSurrogate(c) && !pair)
                || c is '\u061c' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069') or '\u2028' or '\u2029';
            Assert.False(control, $"U+{(int)c:X4} printed raw at {i}: ...{text[Math.Max(0, i - 40)..Math.Min(text.Length, i + 40)]}...");
            if (pair) i++;
        }
    }
}
