using System.Text;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.Tests.Formats;

public class EnvelopeLimitsTests
{
    private static InvalidMessageException LimitExceeded(EnvelopeLimits limits, byte[] record)
    {
        var error = Assert.Throws<InvalidMessageException>(() => new EnvelopeReader(limits).Read(record));
        Assert.Equal(MessageErrorKind.LimitExceeded, error.Kind);
        Assert.Contains("limit", error.Message, StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public void Defaults_are_one_mebibyte_records_64_levels_and_one_mebibyte_strings()
    {
        Assert.Equal(1_048_576, EnvelopeLimits.Default.MaxRecordBytes);
        Assert.Equal(64, EnvelopeLimits.Default.MaxDepth);
        Assert.Equal(1_048_576, EnvelopeLimits.Default.MaxStringLength);
    }

    [Fact]
    public void Limits_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnvelopeLimits { MaxRecordBytes = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnvelopeLimits { MaxDepth = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnvelopeLimits { MaxStringLength = -1 });
    }

    [Fact]
    public void Oversized_record_is_refused_before_its_format_is_even_looked_at()
    {
        byte[] record = new byte[1_048_577];
        "pickle:"u8.CopyTo(record);

        InvalidMessageException error = LimitExceeded(EnvelopeLimits.Default, record);

        Assert.Contains("1048577", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_exactly_at_the_limit_is_read()
    {
        string head = "json:{\"type\":\"t\",\"version\":1,\"message\":{},\"pad\":\"";
        var limits = new EnvelopeLimits { MaxRecordBytes = 100 };
        byte[] record = Encoding.UTF8.GetBytes(head + new string('x', 100 - head.Length - 2) + "\"}");

        Assert.Equal("t", new EnvelopeReader(limits).Read(record).Type);
    }

    [Fact]
    public void Deep_json_nesting_is_refused_at_the_limit()
    {
        string message = new string('[', 200_000);
        byte[] record = Encoding.UTF8.GetBytes("json:{\"type\":\"t\",\"version\":1,\"message\":{\"a\":" + message);

        LimitExceeded(EnvelopeLimits.Default, record);
    }

    [Fact]
    public void Json_nesting_up_to_the_limit_is_read()
    {
        // Envelope (1) + message (2) + 62 arrays = 64 levels.
        string arrays = new string('[', 62) + new string(']', 62);
        byte[] record = Encoding.UTF8.GetBytes("json:{\"type\":\"t\",\"version\":1,\"message\":{\"a\":" + arrays + "}}");

        Assert.Equal("t", new EnvelopeReader(EnvelopeLimits.Default).Read(record).Type);
        LimitExceeded(new EnvelopeLimits { MaxDepth = 63 }, record);
    }

    [Fact]
    public void Deep_msgpack_nesting_is_refused_without_exhausting_the_stack()
    {
        byte[] nested = Enumerable.Repeat((byte)0x91, 500_000).ToArray();
        byte[] record = Wire.Bytes("msgpack:", 0x83, 0xa4, "type", 0xa1, "t", 0xa7, "version", 0x01, 0xa7, "message", 0x81, 0xa1, "a", nested, 0xc0);

        LimitExceeded(new EnvelopeLimits { MaxRecordBytes = 2_000_000 }, record);
    }

    [Fact]
    public void A_depth_limit_above_a_thousand_is_honoured_in_both_formats()
    {
        var reader = new EnvelopeReader(new EnvelopeLimits { MaxDepth = 2000 });
        byte[] nested = Enumerable.Repeat((byte)0x91, 1500).ToArray();
        byte[] msgpack = Wire.Bytes("msgpack:", 0x83, 0xa4, "type", 0xa1, "t", 0xa7, "version", 0x01, 0xa7, "message", 0x81, 0xa1, "a", nested, 0xc0);
        byte[] json = Encoding.UTF8.GetBytes("json:{\"type\":\"t\",\"version\":1,\"message\":{\"a\":" + new string('[', 1500) + "null" + new string(']', 1500) + "}}");

        Envelope fromMsgpack = reader.Read(msgpack);
        Envelope fromJson = reader.Read(json);

        Assert.Equal(Encoding.UTF8.GetString(fromJson.MessageJson.Span), Encoding.UTF8.GetString(fromMsgpack.MessageJson.Span));
    }

    [Fact]
    public void Deep_nesting_in_an_ignored_key_is_refused_too()
    {
        byte[] record = Encoding.UTF8.GetBytes("json:{\"extra\":" + new string('[', 100) + new string(']', 100) + ",\"type\":\"t\",\"version\":1,\"message\":{}}");

        LimitExceeded(EnvelopeLimits.Default, record);
    }

    [Fact]
    public void Long_json_string_is_refused_without_copying_it()
    {
        var limits = new EnvelopeLimits { MaxStringLength = 1024 };
        byte[] record = Encoding.UTF8.GetBytes("json:{\"type\":\"t\",\"version\":1,\"message\":{\"a\":\"" + new string('x', 1_000_000) + "\"}}");
        var reader = new EnvelopeReader(limits);
        Assert.Throws<InvalidMessageException>(() => reader.Read(record)); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        InvalidMessageException error = LimitExceeded(limits, record);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("1000000", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 64 * 1024, $"Refusing the string allocated {allocated} bytes.");
    }

    [Fact]
    public void Long_msgpack_string_is_refused_without_copying_it()
    {
        var limits = new EnvelopeLimits { MaxStringLength = 1024 };
        byte[] record = Wire.Bytes(
            "msgpack:", 0x83, 0xa4, "type", 0xa1, "t", 0xa7, "version", 0x01,
            0xa7, "message", 0x81, 0xa1, "a", 0xdb, 0x00, 0x0f, 0x42, 0x40, new string('x', 1_000_000));
        var reader = new EnvelopeReader(limits);
        Assert.Throws<InvalidMessageException>(() => reader.Read(record)); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        LimitExceeded(limits, record);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 64 * 1024, $"Refusing the string allocated {allocated} bytes.");
    }

    [Fact]
    public void Long_type_and_long_property_names_are_refused()
    {
        var limits = new EnvelopeLimits { MaxStringLength = 8 };
        LimitExceeded(limits, Encoding.UTF8.GetBytes("json:{\"type\":\"123456789\",\"version\":1,\"message\":{}}"));
        LimitExceeded(limits, Encoding.UTF8.GetBytes("json:{\"type\":\"t\",\"version\":1,\"message\":{\"123456789\":1}}"));
    }

    [Fact]
    public void Long_msgpack_binary_is_refused_by_its_base64_length()
    {
        var limits = new EnvelopeLimits { MaxStringLength = 8 };
        byte[] record = Wire.Bytes(
            "msgpack:", 0x83, 0xa4, "type", 0xa1, "t", 0xa7, "version", 0x01,
            0xa7, "message", 0x81, 0xa1, "a", 0xc4, 0x07, new byte[7]);

        LimitExceeded(limits, record);
    }

    [Fact]
    public void Record_format_parse_enforces_the_same_limits()
    {
        var limits = new EnvelopeLimits { MaxDepth = 2 };

        var error = Assert.Throws<InvalidMessageException>(() => RecordFormat.Parse("json:[[[1]]]"u8.ToArray(), limits));
        Assert.Equal(MessageErrorKind.LimitExceeded, error.Kind);
        error = Assert.Throws<InvalidMessageException>(() => RecordFormat.Parse(Wire.Bytes("msgpack:", 0x91, 0x91, 0x91, 0x01), limits));
        Assert.Equal(MessageErrorKind.LimitExceeded, error.Kind);
    }
}
