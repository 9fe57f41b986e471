using System.Runtime.InteropServices;
using System.Text;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.Tests.Formats;

public class EnvelopeReaderTests
{
    private static readonly EnvelopeReader Reader = new(EnvelopeLimits.Default);

    private static Envelope Read(string record) => Reader.Read(Encoding.UTF8.GetBytes(record));

    [Fact]
    public void Json_envelope_is_read_with_every_field()
    {
        Envelope envelope = Read("json:{\"type\":\"person\",\"version\":3,\"message\":{\"first_name\":\"Joe\"},\"producer\":\"people-api\"}");

        Assert.Equal(WireFormat.Json, envelope.Format);
        Assert.Equal("person", envelope.Type);
        Assert.Equal(3, envelope.Version);
        Assert.Equal("{\"first_name\":\"Joe\"}", Encoding.UTF8.GetString(envelope.MessageJson.Span));
        Assert.Equal("people-api", envelope.Producer);
    }

    [Fact]
    public void Json_message_is_a_slice_of_the_record_not_a_copy()
    {
        byte[] record = Encoding.UTF8.GetBytes("json:{\"type\":\"t\",\"version\":1,\"message\":{\"a\":[1,{\"b\":2}]}}");

        Envelope envelope = Reader.Read(record);

        Assert.True(MemoryMarshal.TryGetArray(envelope.MessageJson, out ArraySegment<byte> segment));
        Assert.Same(record, segment.Array);
        Assert.Equal("{\"a\":[1,{\"b\":2}]}", Encoding.UTF8.GetString(envelope.MessageJson.Span));
    }

    [Fact]
    public void Key_order_does_not_matter_extra_keys_are_ignored_and_producer_may_be_null()
    {
        Envelope envelope = Read("json: { \"extra\" : [1, {\"x\": null}], \"producer\": null, \"message\": {}, \"version\": 1, \"type\": \"t\" } ");

        Assert.Equal("t", envelope.Type);
        Assert.Null(envelope.Producer);
        Assert.Equal("{}", Encoding.UTF8.GetString(envelope.MessageJson.Span));
    }

    [Fact]
    public void Msgpack_envelope_is_read_and_its_message_becomes_compact_json()
    {
        byte[] record = Wire.Bytes(
            "msgpack:", 0x84,
            0xa4, "type", 0xa6, "person",
            0xa7, "version", 0x01,
            0xa7, "message", 0x82, 0xaa, "first_name", 0xa3, "Joe", 0xa3, "age", 0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0,
            0xa8, "producer", 0xaa, "people-api");

        Envelope envelope = Reader.Read(record);

        Assert.Equal(WireFormat.MessagePack, envelope.Format);
        Assert.Equal("person", envelope.Type);
        Assert.Equal(1, envelope.Version);
        Assert.Equal("{\"first_name\":\"Joe\",\"age\":1.0}", Encoding.UTF8.GetString(envelope.MessageJson.Span));
        Assert.Equal("people-api", envelope.Producer);
    }

    [Fact]
    public void Msgpack_bin_becomes_a_base64_string()
    {
        byte[] record = Wire.Bytes(
            "msgpack:", 0x83, 0xa4, "type", 0xa1, "t", 0xa7, "version", 0x01,
            0xa7, "message", 0x81, 0xa4, "data", 0xc4, 0x03, 0x00, 0x01, 0x02);

        Envelope envelope = Reader.Read(record);

        Assert.Equal("{\"data\":\"AAEC\"}", Encoding.UTF8.GetString(envelope.MessageJson.Span));
    }

    [Fact]
    public void Msgpack_float32_and_large_unsigned_values_are_kept()
    {
        // float32 0.5 and uint64 2^64-1
        byte[] record = Wire.Bytes(
            "msgpack:", 0x83, 0xa4, "type", 0xa1, "t", 0xa7, "version", 0x01,
            0xa7, "message", 0x82, 0xa1, "f", 0xca, 0x3f, 0x00, 0x00, 0x00,
            0xa1, "u", 0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);

        Envelope envelope = Reader.Read(record);

        Assert.Equal("{\"f\":0.5,\"u\":18446744073709551615}", Encoding.UTF8.GetString(envelope.MessageJson.Span));
    }
}
