using System.Text;

namespace LogPipe.Hosting.Tests.Formats;

/// <summary>Builds expected record bytes by hand, the way the MessagePack and JSON specs describe them.</summary>
internal static class Wire
{
    /// <summary>Concatenates parts: a string as its UTF-8 bytes, an int as one byte (0..255), a byte array as is.</summary>
    public static byte[] Bytes(params object[] parts)
    {
        var bytes = new List<byte>();
        foreach (object part in parts)
        {
            switch (part)
            {
                case string text:
                    bytes.AddRange(Encoding.UTF8.GetBytes(text));
                    break;
                case int single when single is >= 0 and <= 255:
                    bytes.Add((byte)single);
                    break;
                case byte[] array:
                    bytes.AddRange(array);
                    break;
                default:
                    throw new ArgumentException($"Unsupported part {part}.", nameof(parts));
            }
        }

        return [.. bytes];
    }

    /// <summary>Shows bytes like Python's bytes repr, so a failing assertion is readable.</summary>
    public static string Show(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes)
        {
            if (b is >= 0x20 and < 0x7F and not (byte)'\\')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{b:x2}");
            }
        }

        return text.ToString();
    }

    /// <summary>Asserts byte equality, showing both sides readably on failure.</summary>
    public static void Equal(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual) =>
        Assert.Equal(Show(expected), Show(actual));
}
