using System.Text.Json;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.Tests.Formats;

/// <summary>
/// The JSON to MessagePack transcoding must choose the encodings Python's <c>msgpack.packb(use_bin_type=True)</c>
/// chooses: the smallest int form (unsigned forms for positives), str8 for 32-255 bytes, the smallest container headers.
/// </summary>
public class MessagePackEncodingTests
{
    private static readonly JsonSerializerOptions Options = PayloadJson.CreateOptions();

    private static byte[] Render<T>(T value) => RecordFormat.Render(WireFormat.MessagePack, value, Options)["msgpack:".Length..];

    [Theory]
    [InlineData(0L, new byte[] { 0x00 })]
    [InlineData(127L, new byte[] { 0x7f })] // positive fixint
    [InlineData(128L, new byte[] { 0xcc, 0x80 })] // uint8
    [InlineData(200L, new byte[] { 0xcc, 0xc8 })]
    [InlineData(255L, new byte[] { 0xcc, 0xff })]
    [InlineData(256L, new byte[] { 0xcd, 0x01, 0x00 })] // uint16
    [InlineData(65535L, new byte[] { 0xcd, 0xff, 0xff })]
    [InlineData(65536L, new byte[] { 0xce, 0x00, 0x01, 0x00, 0x00 })] // uint32
    [InlineData(4294967296L, new byte[] { 0xcf, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00 })] // uint64
    [InlineData(-1L, new byte[] { 0xff })] // negative fixint
    [InlineData(-32L, new byte[] { 0xe0 })]
    [InlineData(-33L, new byte[] { 0xd0, 0xdf })] // int8
    [InlineData(-128L, new byte[] { 0xd0, 0x80 })]
    [InlineData(-129L, new byte[] { 0xd1, 0xff, 0x7f })] // int16
    [InlineData(-32769L, new byte[] { 0xd2, 0xff, 0xff, 0x7f, 0xff })] // int32
    [InlineData(-2147483649L, new byte[] { 0xd3, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff })] // int64
    [InlineData(long.MinValue, new byte[] { 0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0 })]
    public void Integers_use_the_encoding_python_msgpack_uses(long value, byte[] expected)
    {
        Wire.Equal(expected, Render(value));
    }

    [Fact]
    public void Ulong_max_is_uint64()
    {
        Wire.Equal(new byte[] { 0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, Render(ulong.MaxValue));
    }

    [Theory]
    [InlineData(0, 0xa0)]
    [InlineData(31, 0xbf)]
    public void Short_strings_are_fixstr(int length, int header)
    {
        Wire.Equal(Wire.Bytes(header, new string('x', length)), Render(new string('x', length)));
    }

    [Theory]
    [InlineData(32, new byte[] { 0xd9, 32 })]
    [InlineData(255, new byte[] { 0xd9, 0xff })]
    [InlineData(256, new byte[] { 0xda, 0x01, 0x00 })]
    [InlineData(65536, new byte[] { 0xdb, 0x00, 0x01, 0x00, 0x00 })]
    public void Longer_strings_are_str8_str16_str32(int length, byte[] header)
    {
        Wire.Equal(Wire.Bytes(header, new string('x', length)), Render(new string('x', length)));
    }

    [Fact]
    public void Escaped_json_strings_are_written_unescaped()
    {
        Wire.Equal(Wire.Bytes(0xa5, "a\"\n", "é"), Render("a\"\né"));
    }

    [Fact]
    public void Containers_of_sixteen_use_16_bit_headers()
    {
        byte[] array = Render(Enumerable.Range(0, 16).ToArray());
        Wire.Equal(Wire.Bytes(0xdc, 0x00, 0x10, Enumerable.Range(0, 16).Select(i => (byte)i).ToArray()), array);

        var map = Enumerable.Range(0, 16).ToDictionary(i => ((char)('a' + i)).ToString(), i => i);
        byte[] expected = Wire.Bytes(0xde, 0x00, 0x10, map.SelectMany(entry => new byte[] { 0xa1, (byte)entry.Key[0], (byte)entry.Value }).ToArray());
        Wire.Equal(expected, Render(map));
    }

    [Fact]
    public void Nested_containers_get_their_own_counts()
    {
        // {"a": [[], [1, {"b": None}]], "c": True}
        var value = new Dictionary<string, object?>
        {
            ["a"] = new object[] { Array.Empty<int>(), new object[] { 1, new Dictionary<string, object?> { ["b"] = null } } },
            ["c"] = true,
        };

        Wire.Equal(
            Wire.Bytes(0x82, 0xa1, "a", 0x92, 0x90, 0x92, 0x01, 0x81, 0xa1, "b", 0xc0, 0xa1, "c", 0xc3),
            Render(value));
    }

    [Fact]
    public void Integers_beyond_64_bits_become_float64()
    {
        Wire.Equal(new byte[] { 0xcb, 0x44, 0x10, 0, 0, 0, 0, 0, 0 }, Render((new Int128(1, 0) * 4) - 1));
    }
}
