using System.Buffers;
using System.Globalization;
using System.Text.Json;
using MessagePack;

namespace LogPipe.Hosting.Formats;

/// <summary>
/// Streams UTF-8 JSON into MessagePack exactly as Python's <c>msgpack.packb(json.loads(text), use_bin_type=True)</c>
/// would encode it, so a payload serialized once by System.Text.Json has the same field names and value forms in
/// both wire formats.
/// </summary>
/// <remarks>
/// MessagePack puts element counts before the elements and Python always picks the smallest header, so the JSON is
/// read twice: once to count every container's children, once to write. Integers that fit <see cref="long"/> or
/// <see cref="ulong"/> become MessagePack ints (smallest encoding); numbers with a fraction or exponent, and integers
/// too large for 64 bits, become float64.
/// </remarks>
internal static class JsonToMessagePack
{
    private static readonly JsonReaderOptions s_readerOptions = new() { MaxDepth = int.MaxValue };

    /// <summary>Writes the JSON value in <paramref name="json"/> to <paramref name="writer"/> as MessagePack.</summary>
    /// <param name="json">One complete, valid JSON value.</param>
    /// <param name="writer">The MessagePack destination.</param>
    /// <param name="scratch">Reusable arrays for the container counts.</param>
    public static void Transcode(ReadOnlySpan<byte> json, ref MessagePackWriter writer, ScratchBuffers scratch)
    {
        CountChildren(json, scratch);
        int[] counts = scratch.ContainerCounts;
        int container = 0;
        var reader = new Utf8JsonReader(json, s_readerOptions);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    writer.WriteMapHeader(counts[container++]);
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteArrayHeader(counts[container++]);
                    break;
                case JsonTokenType.PropertyName:
                case JsonTokenType.String:
                    WriteString(ref reader, ref writer);
                    break;
                case JsonTokenType.Number:
                    WriteNumber(reader.ValueSpan, ref writer);
                    break;
                case JsonTokenType.True:
                    writer.Write(true);
                    break;
                case JsonTokenType.False:
                    writer.Write(false);
                    break;
                case JsonTokenType.Null:
                    writer.WriteNil();
                    break;
                default:
                    // EndObject / EndArray: MessagePack containers have no end marker.
                    break;
            }
        }
    }

    /// <summary>
    /// Fills <see cref="ScratchBuffers.ContainerCounts"/> with each container's number of elements (arrays) or
    /// entries (objects), in the order the containers start.
    /// </summary>
    private static void CountChildren(ReadOnlySpan<byte> json, ScratchBuffers scratch)
    {
        int[] counts = scratch.ContainerCounts;
        int[] stack = scratch.ContainerStack;
        int containers = 0;
        int depth = 0;
        var reader = new Utf8JsonReader(json, s_readerOptions);
        while (reader.Read())
        {
            JsonTokenType token = reader.TokenType;
            if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                depth--;
                continue;
            }

            if (depth > 0)
            {
                // Stack entries are (container ordinal << 1) | isArray; an object counts names, an array counts values.
                int open = stack[depth - 1];
                bool inArray = (open & 1) != 0;
                if (inArray != (token == JsonTokenType.PropertyName))
                {
                    counts[open >> 1]++;
                }
            }

            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                if (containers == counts.Length)
                {
                    Array.Resize(ref counts, counts.Length * 2);
                    scratch.ContainerCounts = counts;
                }

                if (depth == stack.Length)
                {
                    Array.Resize(ref stack, stack.Length * 2);
                    scratch.ContainerStack = stack;
                }

                counts[containers] = 0;
                stack[depth++] = (containers << 1) | (token == JsonTokenType.StartArray ? 1 : 0);
                containers++;
            }
        }
    }

    private static void WriteString(ref Utf8JsonReader reader, ref MessagePackWriter writer)
    {
        if (!reader.ValueIsEscaped)
        {
            writer.WriteString(reader.ValueSpan);
            return;
        }

        // Unescaping never lengthens the text, so the escaped length bounds the buffer.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            int length = reader.CopyString(buffer);
            writer.WriteString(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void WriteNumber(ReadOnlySpan<byte> number, ref MessagePackWriter writer)
    {
        if (number.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0)
        {
            if (long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long signed))
            {
                writer.Write(signed);
                return;
            }

            if (ulong.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out ulong unsigned))
            {
                writer.Write(unsigned);
                return;
            }
        }

        writer.Write(double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture));
    }
}
