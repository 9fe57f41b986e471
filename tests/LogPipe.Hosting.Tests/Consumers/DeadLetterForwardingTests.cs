using System.Text;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Tests.Consumers;

public sealed class DeadLetterForwardingTests
{
    [Fact]
    public async Task Dead_letters_are_also_sent_to_the_forward_topic_with_their_source_and_error_in_headers()
    {
        var db = TestApp.NewDatabasePath();
        await using var app = TestApp.Create(
            lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>().Ignore("place")),
            new Dictionary<string, string?> { ["LogPipe:DeadLetters:ForwardTo"] = "people.dlq" },
            db);
        var bad = Encoding.UTF8.GetBytes("""json:{"type":"person","version":4,"message":{}}""");
        app.Broker.Append("people", "key-1", bad);
        app.Broker.Append("people", null, Encoding.UTF8.GetBytes("""json:{"type":"place","version":1,"message":{}}"""));
        Assert.Equal(2, await app.Runner.DrainAsync());

        // The ignored type is not a dead letter; the unknown version is, in the store and on the forward topic.
        Assert.Single(await app.DeadLettersAsync());
        Assert.Equal([1L], app.Broker.EndOffsets("people.dlq"));
        Assert.True(app.Broker.TryGet("people.dlq", 0, 0, out var forwarded));
        Assert.Equal(bad, forwarded.Value);
        Assert.Equal("key-1", Encoding.UTF8.GetString(forwarded.Key!));
        var headers = forwarded.Headers!.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.Value));
        Assert.Equal("UnknownVersion", headers["logpipe.error_kind"]);
        Assert.Equal(("people", "0", "0", "tests"), (headers["logpipe.source.stream"], headers["logpipe.source.partition"], headers["logpipe.source.offset"], headers["logpipe.consumer_group"]));
        Assert.Contains("version 4", headers["logpipe.error"], StringComparison.Ordinal);
        TestApp.DeleteDatabase(db);
    }
}
