using System.Text;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.Tests.Formats;

/// <summary>Every way a record can be wrong maps to one error kind, with a message that names the problem.</summary>
public class EnvelopeReaderErrorTests
{
    private static readonly EnvelopeReader Reader = new(EnvelopeLimits.Default);

    private static InvalidMessageException Fails(byte[] record, MessageErrorKind kind, string keyword)
    {
        var error = Assert.Throws<InvalidMessageException>(() => Reader.Read(record));
        Assert.Equal(kind, error.Kind);
        Assert.Contains(keyword, error.Message, StringComparison.OrdinalIgnoreCase);
        return error;
    }

    private static void Fails(string record, MessageErrorKind kind, string keyword) =>
        Fails(Encoding.UTF8.GetBytes(record), kind, keyword);

    [Fact]
    public void Empty_record_is_undecodable()
    {
        Fails("", MessageErrorKind.Undecodable, "empty");
    }

    [Fact]
    public void Record_without_a_colon_is_undecodable()
    {
        Fails("just some text", MessageErrorKind.Undecodable, "prefix");
    }

    [Fact]
    public void Pickle_is_an_unknown_format_named_in_the_message_and_never_read()
    {
        // A real pickle protocol-4 header; its body is never looked at.
        InvalidMessageException error = Fails(Wire.Bytes("pickle:", 0x80, 0x04, 0x95, 0x00, 0x00), MessageErrorKind.UnknownFormat, "'pickle'");

        Assert.Contains("'json'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'msgpack'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_format_codes_are_shown_printable_and_truncated()
    {
        InvalidMessageException error = Fails(Wire.Bytes(0x00, 0xff, "ab'", new string('x', 100), ":{}"), MessageErrorKind.UnknownFormat, "\\x00\\xffab\\x27");

        Assert.Contains("...", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('x', 40), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_without_prefix_is_an_unknown_format_as_in_django_logpipe()
    {
        Fails("{\"type\":\"t\",\"version\":1,\"message\":{}}", MessageErrorKind.UnknownFormat, "'{\"type\"'");
    }

    [Theory]
    [InlineData("json:")]
    [InlineData("json:{\"type\":\"t\",\"version\":1,\"message\":{\"a\":")]
    [InlineData("json:{\"type\":\"t\",\"version\":1,\"message\":{}} trailing")]
    [InlineData("json:{\"type\":\"t\",\"version\":1,\"message\":{\"a\":NaN}}")]
    [InlineData("json:{'type':'t'}")]
    public void Broken_json_is_undecodable(string record)
    {
        Fails(record, MessageErrorKind.Undecodable, "JSON");
    }

    [Fact]
    public void Invalid_utf8_is_undecodable()
    {
        Fails(Wire.Bytes("json:{\"type\":\"", 0xc3, 0x28, "\",\"version\":1,\"message\":{}}"), MessageErrorKind.Undecodable, "UTF-8");
    }

    [Theory]
    [InlineData("json:[1,2]", "envelope")]
    [InlineData("json:\"text\"", "envelope")]
    [InlineData("json:{\"version\":1,\"message\":{}}", "'type'")]
    [InlineData("json:{\"type\":5,\"version\":1,\"message\":{}}", "'type'")]
    [InlineData("json:{\"type\":null,\"version\":1,\"message\":{}}", "'type'")]
    [InlineData("json:{\"type\":\"t\",\"message\":{}}", "'version'")]
    [InlineData("json:{\"type\":\"t\",\"version\":\"1\",\"message\":{}}", "'version'")]
    [InlineData("json:{\"type\":\"t\",\"version\":1.5,\"message\":{}}", "'version'")]
    [InlineData("json:{\"type\":\"t\",\"version\":1.0,\"message\":{}}", "'version'")]
    [InlineData("json:{\"type\":\"t\",\"version\":2147483648,\"message\":{}}", "'version'")]
    [InlineData("json:{\"type\":\"t\",\"version\":1}", "'message'")]
    [InlineData("json:{\"type\":\"t\",\"version\":1,\"message\":[]}", "'message'")]
    [InlineData("json:{\"type\":\"t\",\"version\":1,\"message\":\"{}\"}", "'message'")]
    [InlineData("json:{\"type\":\"t\",\"version\":1,\"message\":{},\"producer\":5}", "'producer'")]
    public void Json_envelope_problems_are_invalid_envelope_naming_the_key(string record, string keyword)
    {
        Fails(record, MessageErrorKind.InvalidEnvelope, keyword);
    }

    private static byte[] Msgpack(params object[] body) => Wire.Bytes(["msgpack:", .. body]);

    private static readonly object[] TypeAndVersion = [0xa4, "type", 0xa1, "t", 0xa7, "version", 0x01];

    [Fact]
    public void Msgpack_garbage_is_undecodable()
    {
        Fails(Msgpack(0xc1), MessageErrorKind.Undecodable, "MessagePack");
    }

    [Fact]
    public void Empty_msgpack_body_is_undecodable()
    {
        Fails(Msgpack(), MessageErrorKind.Undecodable, "empty");
    }

    [Fact]
    public void Truncated_msgpack_is_undecodable()
    {
        Fails(Msgpack(0x83, 0xa4, "type", 0xa6, "pers"), MessageErrorKind.Undecodable, "truncated");
    }

    [Fact]
    public void Msgpack_with_trailing_bytes_is_undecodable()
    {
        Fails(Msgpack([0x83, .. TypeAndVersion, 0xa7, "message", 0x80, 0x00]), MessageErrorKind.Undecodable, "left over");
    }

    [Fact]
    public void Msgpack_extension_types_are_undecodable()
    {
        // A msgpack Timestamp (ext -1, fixext4).
        Fails(Msgpack([0x83, .. TypeAndVersion, 0xa7, "message", 0x81, 0xa2, "at", 0xd6, 0xff, 0, 0, 0, 1]), MessageErrorKind.Undecodable, "extension");
    }

    [Fact]
    public void Msgpack_nan_is_undecodable()
    {
        Fails(Msgpack([0x83, .. TypeAndVersion, 0xa7, "message", 0x81, 0xa1, "x", 0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0]), MessageErrorKind.Undecodable, "NaN");
    }

    [Fact]
    public void Msgpack_non_string_map_keys_are_undecodable()
    {
        Fails(Msgpack([0x83, .. TypeAndVersion, 0xa7, "message", 0x81, 0x01, 0x02]), MessageErrorKind.Undecodable, "key");
    }

    [Fact]
    public void Msgpack_invalid_utf8_is_undecodable()
    {
        Fails(Msgpack([0x83, .. TypeAndVersion, 0xa7, "message", 0x81, 0xa1, "x", 0xa2, 0xc3, 0x28]), MessageErrorKind.Undecodable, "UTF-8");
    }

    [Theory]
    [InlineData(new object[] { 0x92, 0x01, 0x02 }, "envelope")]
    [InlineData(new object[] { 0x82, 0xa7, "version", 0x01, 0xa7, "message", 0x80 }, "'type'")]
    [InlineData(new object[] { 0x83, 0xa4, "type", 0x07, 0xa7, "version", 0x01, 0xa7, "message", 0x80 }, "'type'")]
    [InlineData(new object[] { 0x82, 0xa4, "type", 0xa1, "t", 0xa7, "message", 0x80 }, "'version'")]
    [InlineData(new object[] { 0x83, 0xa4, "type", 0xa1, "t", 0xa7, "version", 0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0xa7, "message", 0x80 }, "'version'")]
    [InlineData(new object[] { 0x83, 0xa4, "type", 0xa1, "t", 0xa7, "version", 0xce, 0x80, 0, 0, 0, 0xa7, "message", 0x80 }, "'version'")]
    [InlineData(new object[] { 0x82, 0xa4, "type", 0xa1, "t", 0xa7, "version", 0x01 }, "'message'")]
    [InlineData(new object[] { 0x83, 0xa4, "type", 0xa1, "t", 0xa7, "version", 0x01, 0xa7, "message", 0x90 }, "'message'")]
    [InlineData(new object[] { 0x84, 0xa4, "type", 0xa1, "t", 0xa7, "version", 0x01, 0xa7, "message", 0x80, 0xa8, "producer", 0x01 }, "'producer'")]
    public void Msgpack_envelope_problems_are_invalid_envelope_naming_the_key(object[] body, string keyword)
    {
        Fails(Msgpack(body), MessageErrorKind.InvalidEnvelope, keyword);
    }

    [Fact]
    public void Msgpack_nil_producer_and_extra_keys_are_accepted()
    {
        Envelope envelope = Reader.Read(Msgpack([0x85, .. TypeAndVersion, 0xa5, "extra", 0x91, 0xc4, 0x01, 0x00, 0xa7, "message", 0x80, 0xa8, "producer", 0xc0]));

        Assert.Null(envelope.Producer);
        Assert.Equal("{}", Encoding.UTF8.GetString(envelope.MessageJson.Span));
    }
}
