using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.Tests.Producers;

/// <summary>The record key is the key field printed as Python's <c>str()</c> would, whichever getter reads it.</summary>
public sealed class MessageKeyReaderTests
{
    public sealed record Keys(Guid Uuid, string? Code, int Number, long Big, bool Flag, decimal Price, DateOnly Day);

    public sealed class WithField
    {
        public int Id;
    }

    private static readonly Keys Sample = new(Guid.Parse("de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41"), "AB-1", -42, 9_007_199_254_740_993, true, 12.50m, new DateOnly(2026, 11, 28));

    [Theory]
    [InlineData("uuid", "de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41")]
    [InlineData("code", "AB-1")]
    [InlineData("number", "-42")]
    [InlineData("big", "9007199254740993")]
    [InlineData("flag", "True")]
    [InlineData("price", "12.50")]
    [InlineData("day", "11/28/2026")]
    public void Each_key_type_is_printed_in_its_invariant_text_form(string field, string expected)
    {
        var read = MessageKeyReader.Create<Keys>(field, PayloadJson.CreateOptions());
        Assert.Equal(expected, read(Sample));
    }

    [Fact]
    public void A_null_key_value_gives_a_record_without_a_key()
    {
        var read = MessageKeyReader.Create<Keys>("code", PayloadJson.CreateOptions());
        Assert.Null(read(Sample with { Code = null }));
    }

    [Fact]
    public void A_public_field_is_read_too()
    {
        var options = new System.Text.Json.JsonSerializerOptions(PayloadJson.CreateOptions()) { IncludeFields = true };
        Assert.Equal("7", MessageKeyReader.Create<WithField>("id", options)(new WithField { Id = 7 }));
    }

    [Fact]
    public void An_unknown_key_field_is_refused_naming_the_fields_there_are()
    {
        var error = Assert.Throws<InvalidOperationException>(() => MessageKeyReader.Create<Keys>("missing", PayloadJson.CreateOptions()));
        Assert.Contains("'missing'", error.Message, StringComparison.Ordinal);
        Assert.Contains("uuid, code, number", error.Message, StringComparison.Ordinal);
    }
}
