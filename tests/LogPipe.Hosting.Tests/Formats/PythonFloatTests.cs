using System.Text;
using System.Text.Json;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.Tests.Formats;

/// <summary>Floats must print as CPython's <c>repr(float)</c>; every expected value was checked against CPython 3.11.</summary>
public class PythonFloatTests
{
    private static readonly JsonSerializerOptions Options = PayloadJson.CreateOptions();

    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(100.0, "100.0")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00012345, "0.00012345")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e16, "1.5e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1234567890123456.0, "1234567890123456.0")]
    [InlineData(123456789012345.0, "123456789012345.0")]
    [InlineData(12345678901234567890.0, "1.2345678901234567e+19")]
    [InlineData(1e22, "1e+22")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    public void Doubles_print_as_python_repr(double value, string expected)
    {
        Assert.Equal("json:" + expected, Encoding.UTF8.GetString(RecordFormat.Render(WireFormat.Json, value, Options)));
    }

    [Fact]
    public void Floats_print_their_own_shortest_digits()
    {
        Assert.Equal("json:0.1", Encoding.UTF8.GetString(RecordFormat.Render(WireFormat.Json, 0.1f, Options)));
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Nan_and_infinities_are_refused_on_write_naming_the_value(double value, string name)
    {
        var error = Assert.Throws<JsonException>(() => RecordFormat.Render(WireFormat.Json, new { Score = value }, Options));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Float_nan_is_refused_too()
    {
        Assert.Throws<JsonException>(() => RecordFormat.Render(WireFormat.Json, float.NaN, Options));
    }

    [Fact]
    public void Msgpack_writes_a_whole_float_as_float64_and_an_integer_as_int()
    {
        // msgpack.packb([1.0, 1]) == b'\x92\xcb?\xf0\x00\x00\x00\x00\x00\x00\x01'
        Wire.Equal(
            Wire.Bytes("msgpack:", 0x92, 0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0x01),
            RecordFormat.Render(WireFormat.MessagePack, new object[] { 1.0, 1 }, Options));
    }
}
