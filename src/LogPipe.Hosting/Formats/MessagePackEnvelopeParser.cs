using System.Text;
using System.Text.Json;
using MessagePack;

namespace LogPipe.Hosting.Formats;

/// <summary>
/// Reads a <c>msgpack:</c> envelope, transcoding its message map to compact UTF-8 JSON so that the rest of the
/// pipeline sees one representation whatever the wire format.
/// </summary>
internal static class MessagePackEnvelopeParser
{
    /// <summary>Reads the envelope in <paramref name="body"/>.</summary>
    /// <param name="body">The bytes after <c>msgpack:</c>.</param>
    /// <param name="limits">The limits to enforce.</param>
    /// <returns>The envelope; its <see cref="Envelope.MessageJson"/> is a new array.</returns>
    /// <exception cref="InvalidMessageException">The body is not a valid envelope.</exception>
    public static Envelope Parse(ReadOnlyMemory<byte> body, EnvelopeLimits limits)
    {
        var fields = new EnvelopeFields();
        ScratchBuffers scratch = ScratchBuffers.Rent();
        try
        {
            var reader = new MessagePackReader(body);
            if (reader.End)
            {
                throw MessagePackDecoding.Undecodable("The MessagePack body is empty.");
            }

            MessagePackType top = reader.NextMessagePackType;
            if (top != MessagePackType.Map)
            {
                MessagePackToJson.TranscodeValue(ref reader, null, limits, 1);
                MessagePackDecoding.RequireEnd(ref reader);
                throw EnvelopeFields.NotAnEnvelope(MessagePackDecoding.Describe(top));
            }

            int entries = reader.ReadMapHeader();
            for (int i = 0; i < entries; i++)
            {
                ReadOnlySpan<byte> key = MessagePackToJson.ReadMapKey(ref reader, limits);
                if (key.SequenceEqual("type"u8))
                {
                    fields.Type = ReadString(ref reader, limits, "type", allowNull: false);
                }
                else if (key.SequenceEqual("version"u8))
                {
                    fields.Version = ReadVersion(ref reader);
                }
                else if (key.SequenceEqual("message"u8))
                {
                    fields.Message = ReadMessage(ref reader, limits, scratch);
                }
                else if (key.SequenceEqual("producer"u8))
                {
                    fields.Producer = ReadString(ref reader, limits, "producer", allowNull: true);
                }
                else
                {
                    MessagePackToJson.TranscodeValue(ref reader, null, limits, 2);
                }
            }

            MessagePackDecoding.RequireEnd(ref reader);
        }
        catch (Exception ex) when (MessagePackDecoding.IsDecodingError(ex))
        {
            throw MessagePackDecoding.Undecodable(ex);
        }
        finally
        {
            ScratchBuffers.Return(scratch);
        }

        return fields.ToEnvelope(WireFormat.MessagePack);
    }

    private static ReadOnlyMemory<byte> ReadMessage(ref MessagePackReader reader, EnvelopeLimits limits, ScratchBuffers scratch)
    {
        MessagePackType type = reader.NextMessagePackType;
        if (type != MessagePackType.Map)
        {
            throw EnvelopeFields.WrongKind("message", "a map", MessagePackDecoding.Describe(type));
        }

        scratch.Json.ResetWrittenCount();
        Utf8JsonWriter writer = scratch.JsonWriter;
        writer.Reset(scratch.Json);
        MessagePackToJson.TranscodeValue(ref reader, writer, limits, 2);
        writer.Flush();
        return scratch.Json.WrittenSpan.ToArray();
    }

    private static string? ReadString(ref MessagePackReader reader, EnvelopeLimits limits, string key, bool allowNull)
    {
        MessagePackType type = reader.NextMessagePackType;
        if (type == MessagePackType.String)
        {
            return Encoding.UTF8.GetString(MessagePackToJson.ReadString(ref reader, limits));
        }

        if (allowNull && type == MessagePackType.Nil)
        {
            reader.ReadNil();
            return null;
        }

        throw EnvelopeFields.WrongKind(key, allowNull ? "a string or nil" : "a string", MessagePackDecoding.Describe(type));
    }

    private static int ReadVersion(ref MessagePackReader reader)
    {
        MessagePackType type = reader.NextMessagePackType;
        if (type != MessagePackType.Integer)
        {
            throw EnvelopeFields.WrongKind("version", "an integer", MessagePackDecoding.Describe(type));
        }

        if (reader.NextCode == MessagePackCode.UInt64)
        {
            throw EnvelopeFields.VersionOutOfRange(reader.ReadUInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        long version = reader.ReadInt64();
        return version is >= int.MinValue and <= int.MaxValue
            ? (int)version
            : throw EnvelopeFields.VersionOutOfRange(version.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
