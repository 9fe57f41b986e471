namespace LogPipe.Hosting.Tests.DeadLetters;

/// <summary>Text taken from a record is made storable in a dead letter; the record's bytes are kept exactly.</summary>
public sealed class DeadLetterTextTests
{
    [Theory]
    [InlineData("person")]
    [InlineData("tab\tnewline\nreturn\r")]
    [InlineData("astral 💥 and non-characters \uFFFE\uFFFF")]
    [InlineData("")]
    public void Text_that_any_store_can_hold_is_kept_as_it_is(string text)
    {
        Assert.Same(text, DeadLetterText.Fit(text, 255));
    }

    [Fact]
    public void Nul_other_controls_and_lone_surrogates_become_visible_escapes()
    {
        // Not a theory: xunit's case serialization would turn the lone surrogates into U+FFFD before the test sees them.
        (string Text, string Expected)[] cases =
        [
            ("person\0", "person\\u0000"),
            ("\u0001\u001f", "\\u0001\\u001f"),
            ("a\udc00b", "a\\udc00b"),
            ("\ud800", "\\ud800"),
            ("\ud800\ud800💥", "\\ud800\\ud800💥"),
        ];
        foreach (var (text, expected) in cases) Assert.Equal(expected, DeadLetterText.Fit(text, 255));
    }

    [Fact]
    public void Text_longer_than_its_column_is_cut_with_a_marker_that_says_how_long_it_was()
    {
        var fitted = DeadLetterText.Fit(new string('t', 300), 255)!;

        Assert.Equal(255, fitted.Length);
        Assert.StartsWith(new string('t', 200), fitted, StringComparison.Ordinal);
        Assert.EndsWith("… [cut: 300 characters]", fitted, StringComparison.Ordinal);
    }

    [Fact]
    public void Cutting_never_splits_a_surrogate_pair()
    {
        for (var prefix = 0; prefix < 4; prefix++)
        {
            var fitted = DeadLetterText.Fit(new string('a', prefix) + string.Concat(Enumerable.Repeat("💥", 200)), 64)!;

            Assert.True(fitted.Length <= 64);
            for (var i = 0; i < fitted.Length; i++)
            {
                if (char.IsHighSurrogate(fitted[i])) Assert.True(char.IsLowSurrogate(fitted[++i]), $"split pair at {i} with prefix {prefix}");
                else Assert.False(char.IsLowSurrogate(fitted[i]), $"lone low surrogate at {i} with prefix {prefix}");
            }
        }
    }

    [Fact]
    public void Escaping_that_makes_text_too_long_is_cut_as_well()
    {
        var fitted = DeadLetterText.Fit(new string('\0', 100), 255)!;

        Assert.True(fitted.Length <= 255);
        Assert.StartsWith("\\u0000\\u0000", fitted, StringComparison.Ordinal);
        Assert.EndsWith("[cut: 100 characters]", fitted, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dead_letter_fits_its_type_error_and_header_names_and_keeps_the_raw_bytes_exactly()
    {
        byte[] value = [0x6a, 0x73, 0x00, 0xff];
        byte[] key = [0x00, 0xdc];
        var letter = new DeadLetter
        {
            ConsumerGroup = "group",
            Partition = new PartitionKey("kafka", "people", "0"),
            Offset = 7,
            Key = key,
            Value = value,
            Headers = [new("trace\0", [1, 2]), new("no value", null!)],
            MessageType = new string('t', 299) + "\0",
            ErrorKind = MessageErrorKind.UnknownType,
            Error = "No serializer is registered for message type '\udc00" + new string('x', 10_000) + "'",
        };

        Assert.Equal(DeadLetterText.MaxMessageTypeLength, letter.MessageType!.Length);
        Assert.True(letter.Error.Length <= DeadLetterText.MaxErrorLength);
        Assert.StartsWith("No serializer is registered for message type '\\udc00xxx", letter.Error, StringComparison.Ordinal);
        Assert.Equal(["trace\\u0000", "no value"], letter.Headers!.Select(h => h.Key));
        Assert.Equal([1, 2], letter.Headers![0].Value);
        Assert.Empty(letter.Headers![1].Value);
        Assert.Same(value, letter.Value);
        Assert.Same(key, letter.Key);
    }
}
