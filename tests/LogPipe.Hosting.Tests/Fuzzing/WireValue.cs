using System.Buffers;
using System.Globalization;
using System.Text;
using MessagePack;

namespace LogPipe.Hosting.Tests.Fuzzing;

/// <summary>
/// A value as a generator builds it, rendered to either wire format by hand — not through the library's writer — so it
/// can hold what no well-behaved producer writes: lone surrogates, duplicate keys, numbers out of every range, raw
/// invalid UTF-8, extension types.
/// </summary>
internal abstract record WireValue
{
    /// <summary>Writes the value as JSON text; <paramref name="ensureAscii"/> escapes every non-ASCII character as Python's default does.</summary>
    public abstract void WriteJson(StringBuilder json, bool ensureAscii);

    /// <summary>Writes the value as MessagePack.</summary>
    public abstract void WriteMessagePack(ref MessagePackWriter writer);

    /// <summary>A whole record: <c>json:</c> or <c>msgpack:</c> and the value.</summary>
    public byte[] ToRecord(string format, bool ensureAscii)
    {
        if (format == "json")
        {
            var json = new StringBuilder("json:");
            WriteJson(json, ensureAscii);
            // Lone surrogates are always escaped by WriteJson, so this encoding is lossless.
            return Encoding.UTF8.GetBytes(json.ToString());
        }

        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("msgpack:"u8);
        var writer = new MessagePackWriter(buffer);
        WriteMessagePack(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A string; may hold any UTF-16 code units, lone surrogates included.</summary>
    public sealed record Text(string Value) : WireValue
    {
        public override void WriteJson(StringBuilder json, bool ensureAscii) => Quote(json, Value, ensureAscii);

        // MessagePack's writer turns a lone surrogate into U+FFFD, as Python's msgpack would refuse to pack it at all.
        public override void WriteMessagePack(ref MessagePackWriter writer) => writer.Write(Value);
    }

    /// <summary>A MessagePack string of raw bytes (possibly invalid UTF-8); in JSON, those bytes as Latin-1 text.</summary>
    public sealed record RawText(byte[] Bytes) : WireValue
    {
        public override void WriteJson(StringBuilder json, bool ensureAscii) => Quote(json, Encoding.Latin1.GetString(Bytes), ensureAscii);

        public override void WriteMessagePack(ref MessagePackWriter writer) => writer.WriteString(Bytes);
    }

    /// <summary>A number as JSON text (any text: huge, negative, fractional, exponent); in MessagePack the nearest integer or float.</summary>
    public sealed record Number(string Json) : WireValue
    {
        public override void WriteJson(StringBuilder json, bool ensureAscii) => json.Append(Json);

        public override void WriteMessagePack(ref MessagePackWriter writer)
        {
            if (long.TryParse(Json, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long signed)) writer.Write(signed);
            else if (ulong.TryParse(Json, NumberStyles.None, CultureInfo.InvariantCulture, out ulong unsigned)) writer.Write(unsigned);
            else writer.Write(double.Parse(Json, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>true or false.</summary>
    public sealed record Flag(bool Value) : WireValue
    {
        public override void WriteJson(StringBuilder json, bool ensureAscii) => json.Append(Value ? "true" : "false");

        public override void WriteMessagePack(ref MessagePackWriter writer) => writer.Write(Value);
    }

    /// <summary>null / nil.</summary>
    public sealed record Null : WireValue
    {
        public override void WriteJson(StringBuilder json, bool ensureAscii) => json.Append("null");

        public override void WriteMessagePack(ref MessagePackWriter writer) => writer.WriteNil();
    }

    /// <summary>Binary: MessagePack bin; JSON, a base64 string.</summary>
    public sealed record Binary(byte[] Bytes) : WireValue
    {
        public override void WriteJson(StringBuilder json, bool ensureAscii) => json.Append('"').Append(Convert.ToBase64String(Bytes)).Append('"');

        public override void WriteMessagePack(ref MessagePackWriter writer) => writer.Write(Bytes);
    }

    /// <summary>A MessagePack extension value (no JSON form: JSON gets an object naming it).</summary>
    public sealed record Extension(sbyte Code, byte[] Bytes) : WireValue
    {
        public override void WriteJson(StringBuilder json, bool ensureAscii) => json.Append(CultureInfo.InvariantCulture, $"{{\"ext\":{Code}}}");

        public override void WriteMessagePack(ref MessagePackWriter writer) => writer.WriteExtensionFormat(new ExtensionResult(Code, Bytes));
    }

    /// <summary>An array.</summary>
    public sealed record List(IReadOnlyList<WireValue> Items) : WireValue
    {
        public override void WriteJson(StringBuilder json, bool ensureAscii)
        {
            json.Append('[');
            for (int i = 0; i < Items.Count; i++)
            {
                if (i > 0) json.Append(',');
                Items[i].WriteJson(json, ensureAscii);
            }

            json.Append(']');
        }

        public override void WriteMessagePack(ref MessagePackWriter writer)
        {
            writer.WriteArrayHeader(Items.Count);
            foreach (var item in Items) item.WriteMessagePack(ref writer);
        }
    }

    /// <summary>An object / map; keys may repeat and may hold anything a string can.</summary>
    public sealed record Map(IReadOnlyList<KeyValuePair<string, WireValue>> Entries) : WireValue
    {
        public override void WriteJson(StringBuilder json, bool ensureAscii)
        {
            json.Append('{');
            for (int i = 0; i < Entries.Count; i++)
            {
                if (i > 0) json.Append(',');
                Quote(json, Entries[i].Key, ensureAscii);
                json.Append(':');
                Entries[i].Value.WriteJson(json, ensureAscii);
            }

            json.Append('}');
        }

        public override void WriteMessagePack(ref MessagePackWriter writer)
        {
            writer.WriteMapHeader(Entries.Count);
            foreach (var (key, value) in Entries)
            {
                writer.Write(key);
                value.WriteMessagePack(ref writer);
            }
        }
    }

    /// <summary><paramref name="Depth"/> nested arrays (or maps) around a 1, without building the nesting as objects.</summary>
    public sealed record Nesting(int Depth, bool Maps) : WireValue
    {
        public override void WriteJson(StringBuilder json, bool ensureAscii)
        {
            for (int i = 0; i < Depth; i++) json.Append(Maps ? "{\"k\":" : "[");
            json.Append('1');
            for (int i = 0; i < Depth; i++) json.Append(Maps ? '}' : ']');
        }

        public override void WriteMessagePack(ref MessagePackWriter writer)
        {
            for (int i = 0; i < Depth; i++)
            {
                if (Maps)
                {
                    writer.WriteMapHeader(1);
                    writer.Write("k");
                }
                else
                {
                    writer.WriteArrayHeader(1);
                }
            }

            writer.Write(1);
        }
    }

    /// <summary>Writes a JSON string as Python's json module would, lone surrogates as <c>\udXXX</c> escapes.</summary>
    private static void Quote(StringBuilder json, string value, bool ensureAscii)
    {
        json.Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                default:
                    bool pair = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);
                    if (c < ' ' || (char.IsSurrogate(c) && !pair) || (ensureAscii && c > '~'))
                    {
                        json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else if (pair)
                    {
                        json.Append(c).Append(value[++i]);
                    }
                    else
                    {
                        json.Append(c);
                    }

                    break;
            }
        }

        json.Append('"');
    }
}
