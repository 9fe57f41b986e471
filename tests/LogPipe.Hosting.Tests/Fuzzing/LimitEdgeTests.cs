using System.Text;
using LogPipe.Hosting.Consumers;

namespace LogPipe.Hosting.Tests.Fuzzing;

/// <summary>
/// Each limit of <see cref="RecordGenerators.Limits"/> one below, at and one above its edge, in both formats, through
/// <see cref="RecordProcessor.Prepare"/>: at the limit a valid person is prepared, one past it is LimitExceeded.
/// </summary>
public sealed class LimitEdgeTests
{
    private static readonly LogPipe.Hosting.Formats.EnvelopeLimits Limits = RecordGenerators.Limits;

    [Fact]
    public void Every_limit_holds_exactly_at_its_edge_in_both_formats()
    {
        var harness = new DecoderHarness(Limits);
        var problems = new List<string>();
        foreach (var format in new[] { "json", "msgpack" })
        {
            foreach (var delta in new[] { -1, 0, 1 })
            {
                var expected = delta <= 0 ? "Prepared" : nameof(MessageErrorKind.LimitExceeded);
                var cases = new Dictionary<string, byte[]>
                {
                    ["string value"] = Person(format, firstName: new string('a', Limits.MaxStringLength + delta)),
                    ["string value in two-byte characters"] = Person(format, firstName: new string('é', (Limits.MaxStringLength + delta) / 2) + ((Limits.MaxStringLength + delta) % 2 == 1 ? "a" : "")),
                    ["property name"] = Person(format, extra: (new string('k', Limits.MaxStringLength + delta), new WireValue.Number("1"))),
                    // The envelope is level 1 and the message level 2, so the nesting inside the message starts at level 3.
                    ["nesting of arrays"] = Person(format, extra: ("x", new WireValue.Nesting(Limits.MaxDepth - 2 + delta, Maps: false))),
                    ["nesting of maps"] = Person(format, extra: ("x", new WireValue.Nesting(Limits.MaxDepth - 2 + delta, Maps: true))),
                    ["record size"] = OfSize(format, Limits.MaxRecordBytes + delta),
                };
                foreach (var (name, record) in cases)
                {
                    var prepared = harness.Check(record);
                    var actual = prepared.Error?.Error?.ToString() ?? "Prepared";
                    if (actual != expected) problems.Add($"{format} {name} at limit {delta:+0;-0;0}: {actual} ({prepared.Error?.ErrorMessage}), expected {expected}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static byte[] Person(string format, string firstName = "Ann", (string Key, WireValue Value)? extra = null, int padding = -1)
    {
        var message = new List<KeyValuePair<string, WireValue>>
        {
            new("uuid", new WireValue.Text("4d3c2589-8d7d-4e0d-a1e6-30cf1b41f935")),
            new("first_name", new WireValue.Text(firstName)),
            new("last_name", new WireValue.Text("Lee")),
        };
        if (extra is { } e) message.Add(new(e.Key, e.Value));
        if (padding >= 0) message.Add(new("pad", new WireValue.List([.. Enumerable.Repeat<WireValue>(new WireValue.Null(), padding)])));
        var envelope = new WireValue.Map(
        [
            new("type", new WireValue.Text("person")),
            new("version", new WireValue.Number("1")),
            new("message", new WireValue.Map(message)),
        ]);
        return envelope.ToRecord(format, ensureAscii: false);
    }

    /// <summary>A valid person record of exactly <paramref name="size"/> bytes: padded with trailing spaces (JSON) or nils (MessagePack).</summary>
    private static byte[] OfSize(string format, int size)
    {
        if (format == "json")
        {
            var record = Person(format);
            return [.. record, .. Encoding.ASCII.GetBytes(new string(' ', size - record.Length))];
        }

        // Each nil is one byte; the array header stays three bytes between 16 and 65,535 items.
        var padding = size - Person(format, padding: 1000).Length + 1000;
        var padded = Person(format, padding: padding);
        Assert.Equal(size, padded.Length);
        return padded;
    }
}
