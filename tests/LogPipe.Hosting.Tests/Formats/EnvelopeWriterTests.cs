using System.Buffers;
using System.Text.Json;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.Tests.Formats;

public class EnvelopeWriterTests
{
    private const string Uuid = DjangoPersonRecords.Uuid;

    private static readonly EnvelopeWriter Writer = new(PayloadJson.CreateOptions());

    private static Person Joe() => new(Guid.Parse(Uuid), "Joe", "Schmoe");

    [Fact]
    public void Json_envelope_without_producer_has_exact_bytes()
    {
        byte[] record = Writer.Write(WireFormat.Json, "person", 1, Joe(), producerId: null);

        Wire.Equal(DjangoPersonRecords.Json(), record);
    }

    [Fact]
    public void Json_envelope_with_producer_puts_it_last()
    {
        byte[] record = Writer.Write(WireFormat.Json, "person", 1, Joe(), "people-api");

        Wire.Equal(DjangoPersonRecords.JsonWithProducer(), record);
    }

    [Fact]
    public void Msgpack_envelope_without_producer_has_exact_bytes()
    {
        byte[] record = Writer.Write(WireFormat.MessagePack, "person", 1, Joe(), producerId: null);

        Wire.Equal(DjangoPersonRecords.Msgpack(), record);
    }

    [Fact]
    public void Msgpack_envelope_with_producer_has_four_entries_and_producer_last()
    {
        byte[] record = Writer.Write(WireFormat.MessagePack, "person", 1, Joe(), "people-api");

        Wire.Equal(DjangoPersonRecords.MsgpackWithProducer(), record);
    }

    [Fact]
    public void Buffer_writer_overload_writes_the_same_bytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("existing"u8);

        Writer.Write(buffer, WireFormat.Json, "person", 1, Joe(), "people-api");

        Wire.Equal(Wire.Bytes("existing", Writer.Write(WireFormat.Json, "person", 1, Joe(), "people-api")), buffer.WrittenSpan);
    }

    [Fact]
    public void Envelope_strings_get_python_escaping_too()
    {
        byte[] record = Writer.Write(WireFormat.Json, "pérson\u2028", 2, new Dictionary<string, string>(), "a\"b");

        Wire.Equal(Wire.Bytes("json:{\"type\":\"pérson\\u2028\",\"version\":2,\"message\":{},\"producer\":\"a\\\"b\"}"), record);
    }

    [Fact]
    public void Large_versions_use_the_smallest_msgpack_int()
    {
        byte[] record = Writer.Write(WireFormat.MessagePack, "t", 300, new Dictionary<string, string>(), null);

        Wire.Equal(Wire.Bytes("msgpack:", 0x83, 0xa4, "type", 0xa1, "t", 0xa7, "version", 0xcd, 0x01, 0x2c, 0xa7, "message", 0x80), record);
    }

    [Fact]
    public void Unknown_format_is_refused_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => Writer.Write("yaml", "person", 1, Joe(), null));

        Assert.Contains("yaml", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(WireFormat.Json)]
    [InlineData(WireFormat.MessagePack)]
    public void A_message_that_is_not_an_object_is_refused(string format)
    {
        Assert.Throws<ArgumentException>(() => Writer.Write(format, "person", 1, "just a string", null));
        Assert.Throws<ArgumentException>(() => Writer.Write<Person?>(format, "person", 1, null, null));
    }

    [Fact]
    public void Failed_serialization_leaves_the_destination_untouched_and_the_writer_usable()
    {
        var buffer = new ArrayBufferWriter<byte>();

        Assert.Throws<JsonException>(() => Writer.Write(buffer, WireFormat.MessagePack, "m", 1, new { Score = double.NaN }, null));

        Assert.Equal(0, buffer.WrittenCount);
        Wire.Equal(Wire.Bytes("json:{\"type\":\"m\",\"version\":1,\"message\":{\"score\":1.0}}"), Writer.Write(WireFormat.Json, "m", 1, new { Score = 1.0 }, null));
    }
}
