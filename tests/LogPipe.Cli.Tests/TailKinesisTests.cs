using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using LogPipe.Cli.Tests.Support;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Cli.Tests;

/// <summary>
/// <c>logpipe tail</c> on a Kinesis stream (kinesalite), with LogPipe:Transport = Kinesis: records written by LogPipe's
/// producer and by a django-logpipe service, json and msgpack, printed as the Kafka tail prints them.
/// </summary>
public sealed class TailKinesisTests : IClassFixture<KinesisFixture>, IDisposable
{
    private const string Shard0 = "shardId-000000000000";
    private static readonly PersonV2 Joe = new(Guid.Parse("de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41"), "Joe", "Schmoe", "joe@example.com");
    private static readonly PersonV1 Zoe = new(Guid.Parse("0f0e0d0c-0b0a-4909-8807-060504030201"), "Zoë", "Ångström");

    private readonly KinesisFixture _kinesis;
    private readonly CliWorkspace _workspace;

    public TailKinesisTests(KinesisFixture kinesis)
    {
        _kinesis = kinesis;
        _workspace = CliWorkspace.Create(bootstrapServers: null);
        _workspace.WriteKinesisConfig(kinesis.ServiceUrl);
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>One shard holding, in order: Joe as django-logpipe writes json, Zoe in msgpack, garbage, then Ann sent by LogPipe's producer in msgpack.</summary>
    private async Task<string> StreamWithMixedRecordsAsync()
    {
        var stream = await _kinesis.NewStreamAsync(shards: 1);
        await _kinesis.PutAsync(
            stream,
            (Joe.Uuid.ToString(), Encoding.UTF8.GetBytes("""json:{"type":"person","version":2,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41","first_name":"Joe","last_name":"Schmoe","email":"joe@example.com"}}""")),
            (Zoe.Uuid.ToString(), CliWorkspace.Envelope("msgpack", "person", 1, Zoe, producer: "django-people")),
            ("junk", Encoding.UTF8.GetBytes("garbage")));
        await using var service = await WorkspaceService.StartKinesisAsync(_workspace, _kinesis.ServiceUrl, stream, consume: false, format: "msgpack");
        await service.SendAsync([new Person { Uuid = Guid.Parse("11111111-2222-4333-8444-555555555555"), FirstName = "Ann", LastName = "Lee" }]);
        return stream;
    }

    [Fact]
    public async Task Tail_prints_a_kinesis_streams_json_and_msgpack_records_as_the_kafka_tail_does()
    {
        var stream = await StreamWithMixedRecordsAsync();

        var result = (await _workspace.RunAsync("tail", stream, "--from", "beginning", "--exit-at-end")).Expect(ExitCodes.Success);

        var lines = result.Out.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Matches($@"^{stream}/{Shard0}@\d{{20,}}  \d{{4}}-\d\d-\d\dT[\d:.]+Z  key=de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41  person v2  json$", lines[0]);
        Assert.Equal(["  {", "    \"uuid\": \"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41\",", "    \"first_name\": \"Joe\","], lines[1..4]);
        var zoe = lines.FindIndex(l => l.Contains("key=0f0e0d0c-0b0a-4909-8807-060504030201", StringComparison.Ordinal));
        Assert.EndsWith("person v1  msgpack  producer=django-people", lines[zoe], StringComparison.Ordinal);
        Assert.Equal("    \"first_name\": \"Zoë\",", lines[zoe + 3]);
        Assert.Contains(lines, l => l.Contains("key=junk  ERROR Undecodable: The record has no format prefix", StringComparison.Ordinal)
            && l.EndsWith("value[7]: 67 61 72 62 61 67 65", StringComparison.Ordinal));
        var ann = lines.FindIndex(l => l.Contains("key=11111111-2222-4333-8444-555555555555", StringComparison.Ordinal));
        Assert.True(ann > zoe, result.Out);
        Assert.EndsWith("person v2  msgpack  producer=people-api", lines[ann], StringComparison.Ordinal);
        Assert.Contains($"Tailing stream '{stream}' (1 shard) from the beginning on {_kinesis.ServiceUrl.Authority}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_json_on_kinesis_prints_one_object_per_record_with_the_shard_and_sequence_number()
    {
        var stream = await StreamWithMixedRecordsAsync();

        var result = (await _workspace.RunAsync("tail", stream, "--from", "beginning", "--count", "4", "--json")).Expect(ExitCodes.Success);

        var records = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, records.Count);
        Assert.All(records, r => Assert.Equal((stream, Shard0), (r.GetProperty("stream").GetString(), r.GetProperty("partition").GetString())));
        Assert.All(records, r => Assert.False(r.TryGetProperty("offset", out _)));
        var sequences = records.Select(r => r.GetProperty("sequenceNumber").GetString()!).ToList();
        Assert.Equal(sequences.OrderBy(s => s.Length).ThenBy(s => s, StringComparer.Ordinal), sequences);
        Assert.Equal(("json", "person", 2, "Joe"), (records[0].GetProperty("format").GetString(), records[0].GetProperty("type").GetString(),
            records[0].GetProperty("version").GetInt32(), records[0].GetProperty("message").GetProperty("first_name").GetString()));
        Assert.Equal(("msgpack", "Ångström"), (records[1].GetProperty("format").GetString(), records[1].GetProperty("message").GetProperty("last_name").GetString()));
        Assert.Equal("Undecodable", records[2].GetProperty("error").GetProperty("kind").GetString());
        Assert.Equal(("msgpack", "people-api", "Ann"), (records[3].GetProperty("format").GetString(), records[3].GetProperty("producer").GetString(),
            records[3].GetProperty("message").GetProperty("first_name").GetString()));
    }

    [Fact]
    public async Task Tail_from_the_end_of_a_kinesis_stream_prints_only_records_put_after_it_started()
    {
        var stream = await _kinesis.NewStreamAsync(shards: 2);
        await _kinesis.PutAsync(stream, ("old", CliWorkspace.Envelope("json", "person", 1, Zoe)));
        using var tail = _workspace.Start("tail", stream, "--count", "2");
        await tail.WaitForOutputAsync("from the end", onStandardError: true);

        await _kinesis.PutAsync(stream, ("new-1", CliWorkspace.Envelope("json", "person", 2, Joe)), ("new-2", CliWorkspace.Envelope("msgpack", "person", 2, Joe)));

        Assert.Equal(ExitCodes.Success, await tail.WaitForExitAsync());
        Assert.Contains("key=new-1", tail.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("key=new-2", tail.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("key=old", tail.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("(2 shards) from the end", tail.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_follows_a_split_shard_into_its_children()
    {
        var stream = await _kinesis.NewStreamAsync(shards: 1);
        using var tail = _workspace.Start("tail", stream, "--count", "2");
        await tail.WaitForOutputAsync("(1 shard) from the end", onStandardError: true);

        await _kinesis.PutAsync(stream, "0", CliWorkspace.Envelope("json", "person", 2, Joe));
        await _kinesis.Client.SplitShardAsync(new SplitShardRequest
        {
            StreamName = stream,
            ShardToSplit = Shard0,
            NewStartingHashKey = BigInteger.Pow(2, 127).ToString(CultureInfo.InvariantCulture),
        });
        await _kinesis.Client.WaitForStreamActiveAsync(stream, TimeSpan.FromMilliseconds(20));
        var (child, _) = await _kinesis.PutAsync(stream, "0", CliWorkspace.Envelope("msgpack", "person", 1, Zoe));
        Assert.NotEqual(Shard0, child);

        Assert.Equal(ExitCodes.Success, await tail.WaitForExitAsync());
        Assert.Contains($"{stream}/{Shard0}@", tail.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"{stream}/{child}@", tail.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_of_one_shard_reads_only_that_one_and_an_unknown_shard_or_stream_is_not_found()
    {
        var stream = await _kinesis.NewStreamAsync(shards: 2);
        await _kinesis.PutAsync(stream, "0", CliWorkspace.Envelope("json", "person", 2, Joe));
        var (onShard1, _) = await _kinesis.PutAsync(stream, "340282366920938463463374607431768211455", CliWorkspace.Envelope("json", "person", 2, Joe));
        Assert.Equal("shardId-000000000001", onShard1);

        var byNumber = (await _workspace.RunAsync("tail", stream, "--partition", "1", "--from", "beginning", "--exit-at-end")).Expect(ExitCodes.Success);
        var byId = (await _workspace.RunAsync("tail", stream, "-p", Shard0, "--from", "beginning", "--exit-at-end")).Expect(ExitCodes.Success);

        Assert.Contains($"{stream}/shardId-000000000001@", byNumber.Out, StringComparison.Ordinal);
        Assert.DoesNotContain($"{stream}/{Shard0}@", byNumber.Out, StringComparison.Ordinal);
        Assert.Contains($"{stream}/{Shard0}@", byId.Out, StringComparison.Ordinal);
        Assert.DoesNotContain($"{stream}/shardId-000000000001@", byId.Out, StringComparison.Ordinal);
        var noShard = (await _workspace.RunAsync("tail", stream, "--partition", "7")).Expect(ExitCodes.NotFound);
        Assert.Contains($"Stream '{stream}' has no shard 'shardId-000000000007' (it has {Shard0}, shardId-000000000001)", noShard.Error, StringComparison.Ordinal);
        var noStream = (await _workspace.RunAsync("tail", "missing-" + stream)).Expect(ExitCodes.NotFound);
        Assert.Contains($"Stream 'missing-{stream}' does not exist at {_kinesis.ServiceUrl.Authority}", noStream.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_on_kinesis_escapes_control_characters_and_scrubs_configured_secrets()
    {
        var stream = await _kinesis.NewStreamAsync(shards: 1);
        var hostile = new PersonV1(Zoe.Uuid, "\u202eevil", "leaked " + KinesisTestSettings.SecretKey);
        await _kinesis.PutAsync(stream, ("k\u202e1", CliWorkspace.Envelope("json", "person\u001b]0;owned\u0007", 1, hostile)));

        var text = (await _workspace.RunAsync("tail", stream, "--from", "beginning", "--exit-at-end")).Expect(ExitCodes.Success);
        var json = (await _workspace.RunAsync("tail", stream, "--from", "beginning", "--exit-at-end", "--json")).Expect(ExitCodes.Success);

        Assert.Contains("key=k\\u202e1", text.Out, StringComparison.Ordinal);
        Assert.Contains("person\\x1b]0;owned\\x07 v1", text.Out, StringComparison.Ordinal);
        Assert.Contains("\"first_name\": \"\\u202eevil\"", text.Out, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', text.Out + json.Out);
        Assert.DoesNotContain('\u202e', text.Out + json.Out);
        Assert.DoesNotContain(KinesisTestSettings.SecretKey, text.Out + json.Out, StringComparison.Ordinal);
        Assert.Contains("leaked ***", text.Out, StringComparison.Ordinal);
    }
}
