using System.Globalization;

namespace LogPipe.Hosting.Formats;

/// <summary>
/// Writes floating-point numbers the way Python's <c>repr(float)</c> does (and so <c>json.dumps</c>): the shortest
/// digits that round-trip, always with a <c>.0</c> or an exponent, scientific when the decimal exponent is below -4 or
/// at least 16 (<c>1e-05</c>, <c>1.5e+16</c>, <c>123456789012345.0</c>).
/// </summary>
internal static class PythonFloat
{
    /// <summary>Enough for any double: sign, 17 digits, point, up to 3 leading zeros or <c>e+308</c>.</summary>
    public const int MaxLength = 32;

    /// <summary>
    /// Formats a finite value as Python's repr, with the shortest digits of its own type (<c>0.1f</c> is <c>0.1</c>,
    /// not its double expansion).
    /// </summary>
    /// <typeparam name="T"><see cref="double"/> or <see cref="float"/>.</typeparam>
    /// <param name="value">A finite value.</param>
    /// <param name="destination">At least <see cref="MaxLength"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    public static int Format<T>(T value, Span<byte> destination)
        where T : IUtf8SpanFormattable
    {
        // .NET's "R" gives the same shortest round-trip digits as Python; only the layout differs.
        Span<byte> shortest = stackalloc byte[MaxLength];
        if (!value.TryFormat(shortest, out int length, "R", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A floating-point value did not fit the formatting buffer.");
        }

        return Layout(shortest[..length], destination);
    }

    /// <summary>Re-lays .NET's round-trip text (<c>-1.5E+16</c>, <c>0.0001</c>, <c>-0</c>) in Python's repr layout.</summary>
    private static int Layout(ReadOnlySpan<byte> dotnet, Span<byte> destination)
    {
        bool negative = dotnet[0] == (byte)'-';
        if (negative)
        {
            dotnet = dotnet[1..];
        }

        int e = dotnet.IndexOfAny((byte)'E', (byte)'e');
        int exponent = 0;
        ReadOnlySpan<byte> mantissa = dotnet;
        if (e >= 0)
        {
            exponent = int.Parse(dotnet[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = dotnet[..e];
        }

        // Collect the significant digits and decpt, Python's position of the point: value = 0.DIGITS * 10^decpt.
        Span<byte> digits = stackalloc byte[MaxLength];
        int count = 0;
        int point = mantissa.IndexOf((byte)'.');
        int integerDigits = point >= 0 ? point : mantissa.Length;
        int decpt = integerDigits + exponent;
        foreach (byte c in mantissa)
        {
            if (c == (byte)'.')
            {
                continue;
            }

            if (count == 0 && c == (byte)'0')
            {
                decpt--;
                continue;
            }

            digits[count++] = c;
        }

        while (count > 0 && digits[count - 1] == (byte)'0')
        {
            count--;
        }

        int written = 0;
        if (negative)
        {
            destination[written++] = (byte)'-';
        }

        if (count == 0)
        {
            "0.0"u8.CopyTo(destination[written..]);
            return written + 3;
        }

        ReadOnlySpan<byte> significant = digits[..count];
        if (decpt is <= -4 or > 16)
        {
            destination[written++] = significant[0];
            if (count > 1)
            {
                destination[written++] = (byte)'.';
                significant[1..].CopyTo(destination[written..]);
                written += count - 1;
            }

            int scientific = decpt - 1;
            destination[written++] = (byte)'e';
            destination[written++] = scientific < 0 ? (byte)'-' : (byte)'+';
            scientific = Math.Abs(scientific);
            if (scientific < 10)
            {
                destination[written++] = (byte)'0';
            }

            scientific.TryFormat(destination[written..], out int exponentLength, provider: CultureInfo.InvariantCulture);
            return written + exponentLength;
        }

        if (decpt <= 0)
        {
            destination[written++] = (byte)'0';
            destination[written++] = (byte)'.';
            destination.Slice(written, -decpt).Fill((byte)'0');
            written += -decpt;
            significant.CopyTo(destination[written..]);
            return written + count;
        }

        if (decpt >= count)
        {
            significant.CopyTo(destination[written..]);
            written += count;
            destination.Slice(written, decpt - count).Fill((byte)'0');
            written += decpt - count;
            ".0"u8.CopyTo(destination[written..]);
            return written + 2;
        }

        significant[..decpt].CopyTo(destination[written..]);
        written += decpt;
        destination[written++] = (byte)'.';
        significant[decpt..].CopyTo(destination[written..]);
        return written + count - decpt;
    }
}
