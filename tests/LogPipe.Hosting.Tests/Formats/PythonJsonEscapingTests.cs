using System.Text;
using System.Text.Json;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.Tests.Formats;

/// <summary>
/// Escaping must match <c>json.dumps(ensure_ascii=False)</c> plus DRF's U+2028/U+2029 escaping byte for byte.
/// Expected values were produced with CPython 3.11.
/// </summary>
public class PythonJsonEscapingTests
{
    private static readonly JsonSerializerOptions Options = PayloadJson.CreateOptions();

    private static string Rendered(string text) =>
        Encoding.UTF8.GetString(RecordFormat.Render(WireFormat.Json, text, Options));

    [Theory]
    [InlineData("\"", "json:\"\\\"\"")]
    [InlineData("\\", "json:\"\\\\\"")]
    [InlineData("a\nb\rc\td\be\ff", "json:\"a\\nb\\rc\\td\\be\\ff\"")]
    [InlineData("\u0001", "json:\"\\u0001\"")]
    [InlineData("\u001f", "json:\"\\u001f\"")]
    [InlineData("\u0000", "json:\"\\u0000\"")]
    [InlineData("\u2028\u2029", "json:\"\\u2028\\u2029\"")]
    public void Characters_python_escapes_are_escaped_the_way_python_does(string text, string expected)
    {
        Assert.Equal(expected, Rendered(text));
    }

    [Theory]
    [InlineData("é")]
    [InlineData("😀")]
    [InlineData("<>&'+/`")]
    [InlineData("\u007f")]
    [InlineData("\u00ad\u200b\ufeff\ufffe")]
    [InlineData("日本語")]
    public void Everything_else_is_raw_utf8(string text)
    {
        Wire.Equal(Encoding.UTF8.GetBytes("json:\"" + text + "\""), RecordFormat.Render(WireFormat.Json, text, Options));
    }

    [Fact]
    public void Mixed_text_in_keys_and_values_matches_cpython_bytes()
    {
        string text = "q\"b\\n\nr\rt\tb\bf\f\u0001\u001f\u007f<>&'+/é😀\u2028\u2029\u00ad\u200b\ufeff\ufffe x";
        string escaped = """q\"b\\n\nr\rt\tb\bf\f\u0001\u001f""" + "\u007f<>&'+/é😀" + """\u2028\u2029""" + "\u00ad\u200b\ufeff\ufffe x";

        byte[] rendered = RecordFormat.Render(WireFormat.Json, new Dictionary<string, string> { [text] = text }, Options);

        Wire.Equal(Encoding.UTF8.GetBytes("json:{\"" + escaped + "\":\"" + escaped + "\"}"), rendered);
    }

    [Fact]
    public void Escaping_is_python_form_even_when_the_options_use_the_default_encoder()
    {
        var strict = new JsonSerializerOptions(Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default };

        Assert.Equal("json:\"é<\\u0001\"", Encoding.UTF8.GetString(RecordFormat.Render(WireFormat.Json, "é<\u0001", strict)));
    }
}
