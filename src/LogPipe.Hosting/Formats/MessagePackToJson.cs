using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;
using MessagePack;

namespace LogPipe.Hosting.Formats;

/// <summary>
/// Turns MessagePack values into compact UTF-8 JSON while enforcing <see cref="EnvelopeLimits"/>, mirroring what
/// django-logpipe's parser accepts: string map keys, UTF-8 strings, no extension types. Binary becomes a base64
/// string (what System.Text.Json reads into <c>byte[]</c>); floats are written as Python would print them.
/// </summary>
internal static class MessagePackToJson
{
    /// <summary>
    /// Reads one value and writes it as JSON, or only checks it when <paramref name="writer"/> is <see langword="null"/>.
    /// </summary>
    /// <param name="reader">Positioned at the value.</param>
    /// <param name="writer">The JSON destination, or <see langword="null"/> to skip the value.</param>
    /// <param name="limits">The limits to enforce.</param>
    /// <param name="level">The nesting level the value would have if it were a map or array (the envelope is 1).</param>
    /// <exception cref="InvalidMessageException">The value is not representable or breaks a limit.</exception>
    public static void TranscodeValue(ref MessagePackReader reader, Utf8JsonWriter? writer, EnvelopeLimits limits, int level)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                writer?.WriteNullValue();
                break;
            case MessagePackType.Boolean:
                bool flag = reader.ReadBoolean();
                writer?.WriteBooleanValue(flag);
                break;
            case MessagePackType.Integer:
                WriteInteger(ref reader, writer);
                break;
            case MessagePackType.Float:
                WriteFloat(ref reader, writer);
                break;
            case MessagePackType.String:
                ReadOnlySpan<byte> text = ReadString(ref reader, limits);
                writer?.WriteStringValue(text);
                break;
            case MessagePackType.Binary:
                WriteBinary(ref reader, writer, limits);
                break;
            case MessagePackType.Array:
                int length = reader.ReadArrayHeader();
                EnterContainer(limits, level);
                writer?.WriteStartArray();
                for (int i = 0; i < length; i++)
                {
                    TranscodeValue(ref reader, writer, limits, level + 1);
                }

                writer?.WriteEndArray();
                break;
            case MessagePackType.Map:
                int entries = reader.ReadMapHeader();
                EnterContainer(limits, level);
                writer?.WriteStartObject();
                for (int i = 0; i < entries; i++)
                {
                    ReadOnlySpan<byte> name = ReadMapKey(ref reader, limits);
                    writer?.WritePropertyName(name);
                    TranscodeValue(ref reader, writer, limits, level + 1);
                }

                writer?.WriteEndObject();
                break;
            case MessagePackType.Extension:
                sbyte typeCode = reader.ReadExtensionFormatHeader().TypeCode;
                throw MessagePackDecoding.Undecodable($"The MessagePack body contains extension type {typeCode}, which has no JSON form.");
            default:
                throw MessagePackDecoding.Undecodable($"The MessagePack body contains the invalid byte 0x{reader.NextCode:x2}.");
        }
    }

    /// <summary>Reads a map key, which must be a UTF-8 string within the length limit.</summary>
    /// <param name="reader">Positioned at the key.</param>
    /// <param name="limits">The limits to enforce.</param>
    /// <returns>The key's UTF-8 bytes, a view of the input.</returns>
    public static ReadOnlySpan<byte> ReadMapKey(ref MessagePackReader reader, EnvelopeLimits limits)
    {
        MessagePackType type = reader.NextMessagePackType;
        if (type != MessagePackType.String)
        {
            throw MessagePackDecoding.Undecodable($"A MessagePack map key is {MessagePackDecoding.Describe(type)}, not a string; JSON objects only have string keys.");
        }

        return ReadString(ref reader, limits);
    }

    /// <summary>Reads a string and checks its length and UTF-8; the bytes are a view of the input, never copied.</summary>
    /// <param name="reader">Positioned at a string.</param>
    /// <param name="limits">The limits to enforce.</param>
    /// <returns>The string's UTF-8 bytes.</returns>
    public static ReadOnlySpan<byte> ReadString(ref MessagePackReader reader, EnvelopeLimits limits)
    {
        ReadOnlySpan<byte> text;
        if (!reader.TryReadStringSpan(out text))
        {
            // Only a multi-segment sequence lands here; the readers in this library always hand over one segment.
            ReadOnlySequence<byte> sequence = reader.ReadStringSequence() ?? default;
            if (sequence.Length > limits.MaxStringLength)
            {
                throw StringTooLong(sequence.Length, limits);
            }

            text = sequence.ToArray();
        }

        if (text.Length > limits.MaxStringLength)
        {
            throw StringTooLong(text.Length, limits);
        }

        if (!Utf8.IsValid(text))
        {
            throw MessagePackDecoding.Undecodable("The MessagePack body contains a string that is not valid UTF-8.");
        }

        return text;
    }

    private static void EnterContainer(EnvelopeLimits limits, int level)
    {
        if (level > limits.MaxDepth)
        {
            throw new InvalidMessageException(
                MessageErrorKind.LimitExceeded,
                $"The record nests deeper than the limit of {limits.MaxDepth} levels.");
        }

        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new InvalidMessageException(
                MessageErrorKind.LimitExceeded,
                "The record nests too deeply to decode on this thread's stack; lower EnvelopeLimits.MaxDepth.");
        }
    }

    private static void WriteInteger(ref MessagePackReader reader, Utf8JsonWriter? writer)
    {
        if (reader.NextCode == MessagePackCode.UInt64)
        {
            ulong unsigned = reader.ReadUInt64();
            writer?.WriteNumberValue(unsigned);
        }
        else
        {
            long signed = reader.ReadInt64();
            writer?.WriteNumberValue(signed);
        }
    }

    private static void WriteFloat(ref MessagePackReader reader, Utf8JsonWriter? writer)
    {
        double value = reader.ReadDouble();
        if (!double.IsFinite(value))
        {
            throw MessagePackDecoding.Undecodable($"The MessagePack body contains the float {value.ToString(CultureInfo.InvariantCulture)}, which JSON cannot represent.");
        }

        if (writer is not null)
        {
            Span<byte> text = stackalloc byte[PythonFloat.MaxLength];
            int length = PythonFloat.Format(value, text);
            writer.WriteRawValue(text[..length], skipInputValidation: true);
        }
    }

    private static void WriteBinary(ref MessagePackReader reader, Utf8JsonWriter? writer, EnvelopeLimits limits)
    {
        ReadOnlySequence<byte> bytes = reader.ReadBytes() ?? default;
        long base64Length = (bytes.Length + 2) / 3 * 4;
        if (base64Length > limits.MaxStringLength)
        {
            throw StringTooLong(base64Length, limits);
        }

        if (writer is not null)
        {
            writer.WriteBase64StringValue(bytes.IsSingleSegment ? bytes.FirstSpan : bytes.ToArray());
        }
    }

    private static InvalidMessageException StringTooLong(long length, EnvelopeLimits limits) => new(
        MessageErrorKind.LimitExceeded,
        $"The record contains a string of {length} bytes, longer than the limit of {limits.MaxStringLength}.");
}
