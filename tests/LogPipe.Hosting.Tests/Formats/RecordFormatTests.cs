using System.Text.Json;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.Tests.Formats;

public class RecordFormatTests
{
    private static readonly JsonSerializerOptions Options = PayloadJson.CreateOptions();

    private static Dictionary<string, string> FooBar() => new() { ["foo"] = "bar" };

    [Fact]
    public void Json_render_of_foo_bar_has_exact_bytes()
    {
        Wire.Equal("json:{\"foo\":\"bar\"}"u8, RecordFormat.Render(WireFormat.Json, FooBar(), Options));
    }

    [Fact]
    public void Msgpack_render_of_foo_bar_has_exact_bytes()
    {
        Wire.Equal(Wire.Bytes("msgpack:", 0x81, 0xa3, "foo", 0xa3, "bar"), RecordFormat.Render(WireFormat.MessagePack, FooBar(), Options));
    }

    [Fact]
    public void Json_parse_of_foo_bar_gives_the_object()
    {
        using JsonDocument document = RecordFormat.Parse("json:{\"foo\":\"bar\"}"u8.ToArray());

        Assert.Equal("bar", document.RootElement.GetProperty("foo").GetString());
    }

    [Fact]
    public void Msgpack_parse_of_foo_bar_gives_the_object()
    {
        using JsonDocument document = RecordFormat.Parse(Wire.Bytes("msgpack:", 0x81, 0xa3, "foo", 0xa3, "bar"));

        Assert.Equal("bar", document.RootElement.GetProperty("foo").GetString());
    }

    [Fact]
    public void Render_refuses_an_unknown_code_and_names_it()
    {
        var error = Assert.Throws<ArgumentException>(() => RecordFormat.Render("pickle", FooBar(), Options));

        Assert.Contains("pickle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_refuses_pickle_without_deserializing_it()
    {
        var error = Assert.Throws<LogPipe.Hosting.InvalidMessageException>(
            () => RecordFormat.Parse(Wire.Bytes("pickle:", 0x80, 0x04, 0x95)));

        Assert.Equal(LogPipe.Hosting.MessageErrorKind.UnknownFormat, error.Kind);
    }

    [Fact]
    public void Msgpack_parse_turns_nested_values_into_the_same_json_python_would_print()
    {
        // {"a": [1, -1, 1.5, None, True], "b": {"c": "d"}}
        byte[] record = Wire.Bytes(
            "msgpack:", 0x82,
            0xa1, "a", 0x95, 0x01, 0xff, 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0xc0, 0xc3,
            0xa1, "b", 0x81, 0xa1, "c", 0xa1, "d");

        using JsonDocument document = RecordFormat.Parse(record);

        Assert.Equal("""{"a":[1,-1,1.5,null,true],"b":{"c":"d"}}""", JsonSerializer.Serialize(document.RootElement));
    }
}
