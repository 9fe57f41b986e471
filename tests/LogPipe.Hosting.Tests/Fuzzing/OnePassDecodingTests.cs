using LogPipe.Hosting.Formats;
using LogPipe.Hosting.Tests.Formats;

namespace LogPipe.Hosting.Tests.Fuzzing;

/// <summary>
/// Which records Prepare decodes in one pass (the message deserialized from the reader of its envelope) and which it
/// leaves to the checking path; in every case the two give the same outcome, error text included (<see cref="DecoderHarness"/>).
/// </summary>
public sealed class OnePassDecodingTests
{
    private const string Message = "{\"uuid\":\"7b5c4a1e-0f2d-4c3b-9a8e-1d2c3b4a5f6e\",\"first_name\":\"Joe\",\"last_name\":\"Schmoe\"}";

    [Theory]
    [InlineData("json:{\"type\":\"person\",\"version\":1,\"message\":" + Message + "}")]
    [InlineData("json:{\"type\":\"person\",\"version\":1,\"message\":" + Message + ",\"producer\":\"people-api\"}")]
    [InlineData("json:{\"type\":\"person\",\"version\":1,\"message\":" + Message + ",\"producer\":null}")]
    [InlineData("json:{\"type\":\"person\",\"version\":1,\"extra\":[1,{\"a\":\"b\"}],\"message\":" + Message + "} \n")]
    [InlineData("json:{\"type\":\"meter\",\"version\":1,\"message\":{\"name\":\"m\",\"reading\":3}}")]
    [InlineData("json: {\"type\":\"person\",\"version\":1,\"message\":" + Message + "}")]
    public void The_usual_record_is_decoded_in_one_pass(string record) =>
        Assert.True(new DecoderHarness(EnvelopeLimits.Default).TakesOnePass(Wire.Bytes(record)));

    [Theory]
    [InlineData("json:{\"message\":" + Message + ",\"type\":\"person\",\"version\":1}")] // message before its type: decoded after the envelope
    [InlineData("json:{\"type\":\"person\",\"version\":1,\"message\":" + Message + ",\"type\":\"person\"}")] // a key twice
    [InlineData("json:{\"typ\\u0065\":\"person\",\"version\":1,\"message\":" + Message + "}")] // an escaped key
    [InlineData("json:{\"type\":\"pers\\u006fn\",\"version\":1,\"message\":" + Message + "}")] // an escaped type
    [InlineData("json:{\"type\":\"person\",\"version\":1,\"message\":" + Message + ",\"producer\":\"a\\ud800b\"}")] // a lone surrogate in the producer
    [InlineData("json:{\"type\":\"person\",\"version\":1.0,\"message\":" + Message + "}")]
    [InlineData("json:{\"type\":\"person\",\"version\":1,\"message\":" + Message + "}x")] // trailing garbage
    [InlineData("json:{\"type\":\"person\",\"version\":1,\"message\":" + Message)] // cut short
    [InlineData("json:{\"type\":\"person\",\"version\":1,\"message\":{\"uuid\":\"7b5c4a1e\",\"first_name\":\"Joe\",\"last_name\":\"Schmoe\"}}")] // does not fit
    [InlineData("json:{\"type\":\"person\",\"version\":1,\"message\":{\"uuid\":\"7b5c4a1e-0f2d-4c3b-9a8e-1d2c3b4a5f6e\",\"first_name\":\"Joe\"}}")] // a required field missing
    [InlineData("json:{\"type\":\"person\",\"version\":1,\"message\":{\"uuid\":\"7b5c4a1e-0f2d-4c3b-9a8e-1d2c3b4a5f6e\",\"first_name\":null,\"last_name\":\"Schmoe\"}}")] // null where the class says never
    [InlineData("json:{\"type\":\"meter\",\"version\":1,\"message\":{\"name\":\"m\",\"reading\":13}}")] // the constructor throws
    [InlineData("json:{\"type\":\"place\",\"version\":1,\"message\":{}}")] // ignored
    [InlineData("json:{\"type\":\"person\",\"version\":9,\"message\":" + Message + "}")] // no serializer for the version
    [InlineData("json:{\"type\":\"animal\",\"version\":1,\"message\":{}}")] // no serializer for the type
    [InlineData("json:{\"type\":\"person\",\"version\":1,\"message\":null}")]
    public void An_unusual_or_bad_record_takes_the_checking_path_with_the_same_outcome(string record) =>
        Assert.False(new DecoderHarness(EnvelopeLimits.Default).TakesOnePass(Wire.Bytes(record)));

    [Fact]
    public void A_record_at_a_limit_takes_the_checking_path_which_names_the_limit()
    {
        var record = "json:{\"type\":\"person\",\"version\":1,\"message\":" + Message + "}";
        var roomy = new DecoderHarness(EnvelopeLimits.Default);
        Assert.True(roomy.TakesOnePass(Wire.Bytes(record)));

        // Longer than the longest string allowed, though no string in it is: not one pass, and still prepared.
        var strings = new DecoderHarness(EnvelopeLimits.Default with { MaxStringLength = record.Length - 6 });
        Assert.False(strings.TakesOnePass(Wire.Bytes(record)));
        Assert.Equal(1, strings.Outcomes["Prepared"]);

        // Nested exactly as deep as allowed (the envelope, its message, an object in it): checking path, prepared.
        var nested = "json:{\"type\":\"person\",\"version\":1,\"message\":{\"uuid\":\"7b5c4a1e-0f2d-4c3b-9a8e-1d2c3b4a5f6e\",\"first_name\":\"Joe\",\"last_name\":\"Schmoe\",\"more\":{}}}";
        var depth = new DecoderHarness(EnvelopeLimits.Default with { MaxDepth = 3 });
        Assert.False(depth.TakesOnePass(Wire.Bytes(nested)));
        Assert.Equal(1, depth.Outcomes["Prepared"]);

        // One level deeper than allowed: a limit error, from the checking path.
        var tooDeep = new DecoderHarness(EnvelopeLimits.Default with { MaxDepth = 2 });
        Assert.False(tooDeep.TakesOnePass(Wire.Bytes(nested)));
        Assert.Equal(1, tooDeep.Outcomes[nameof(MessageErrorKind.LimitExceeded)]);
    }
}
