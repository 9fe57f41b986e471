using System.Text;
using CsCheck;
using LogPipe.Hosting.Formats;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Tests.Fuzzing;

/// <summary>
/// CsCheck generators of record values: envelopes built field by field with wrong kinds, hostile text, numbers out of
/// range, duplicate keys and nesting around the limits, in both formats, then mutated byte by byte; and valid people
/// written by the library's own writer, for the round trip.
/// </summary>
internal static class RecordGenerators
{
    /// <summary>Small limits so that every limit ± 1 is a small record (the fuzz runs with these).</summary>
    public static readonly EnvelopeLimits Limits = new() { MaxRecordBytes = 2048, MaxDepth = 8, MaxStringLength = 48 };

    private static readonly EnvelopeWriter Writer = new(PayloadJson.CreateOptions());

    /// <summary>Mostly letters; often any UTF-16 code unit (lone surrogates, NUL, non-characters); often a character JSON must escape.</summary>
    private static readonly Gen<char> HostileChar = Gen.Frequency(
        (40, Gen.Char['a', 'z']),
        (4, Gen.Char),
        (4, Gen.OneOf('\0', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uFFFE', '\uFFFF', '\uFEFF', '\u2028', '\u2029', '"', '\\', '/', '\u001f', '\u007f', 'é', '€', '\u0085')));

    /// <summary>Short hostile text, or text whose UTF-8 length is at the string limit ± 1.</summary>
    public static readonly Gen<string> HostileText = Gen.Frequency(
        (12, HostileChar.Array[0, 10].Select(chars => new string(chars))),
        (2, Gen.Select(Gen.Int[-1, 1], Gen.OneOf('x', 'é', '€'), (delta, c) => AtUtf8Length(Limits.MaxStringLength + delta, c))),
        (1, Gen.OneOf("person", "place", "meter", "Person", "person ", "", "\udc00", "person\0", "💥")));

    private static readonly Gen<WireValue> Numbers = Gen.Frequency(
        (6, Gen.Int[-3, 300].Select(n => (WireValue)new WireValue.Number(n.ToString(System.Globalization.CultureInfo.InvariantCulture)))),
        (3, Gen.Long.Select(n => (WireValue)new WireValue.Number(n.ToString(System.Globalization.CultureInfo.InvariantCulture)))),
        (4, Gen.OneOf("0", "-0", "2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775807", "18446744073709551615",
            "99999999999999999999999999", "1.5", "1.0", "1e2", "1E400", "-1e400", "1e-400", "0.1", "-1.7976931348623157e308").Select(t => (WireValue)new WireValue.Number(t))));

    private static readonly Gen<WireValue> Leaves = Gen.Frequency(
        (6, HostileText.Select(t => (WireValue)new WireValue.Text(t))),
        (4, Numbers),
        (2, Gen.Bool.Select(b => (WireValue)new WireValue.Flag(b))),
        (2, Gen.Const((WireValue)new WireValue.Null())),
        (1, Gen.Byte.Array[0, 40].Select(b => (WireValue)new WireValue.Binary(b))),
        (1, Gen.Byte.Array[0, 8].Select(b => (WireValue)new WireValue.RawText(b))),
        (1, Gen.Select(Gen.SByte, Gen.Byte.Array[0, 4], (code, b) => (WireValue)new WireValue.Extension(code, b))),
        (1, Gen.Select(Gen.Int[Limits.MaxDepth - 3, Limits.MaxDepth + 1], Gen.Bool, (depth, maps) => (WireValue)new WireValue.Nesting(depth, maps))),
        (1, Gen.Select(Gen.OneOf(100, 1000, 5000), Gen.Bool, (depth, maps) => (WireValue)new WireValue.Nesting(depth, maps))));

    /// <summary>Any value, nested up to three levels.</summary>
    public static readonly Gen<WireValue> AnyValue = Value(3);

    private static Gen<WireValue> Value(int depth)
    {
        if (depth == 0) return Leaves;
        var inner = Value(depth - 1);
        return Gen.Frequency(
            (8, Leaves),
            (1, inner.Array[0, 4].Select(items => (WireValue)new WireValue.List(items))),
            (1, Gen.Select(HostileText, inner, KeyValuePair.Create).Array[0, 4].Select(entries => (WireValue)new WireValue.Map(entries))));
    }

    /// <summary>Right kind most of the time, anything otherwise.</summary>
    private static Gen<WireValue> Mostly(Gen<WireValue> right) => Gen.Frequency((10, right), (1, AnyValue));

    private static Gen<WireValue> Text(Gen<string> text) => text.Select(t => (WireValue)new WireValue.Text(t));

    private static readonly Gen<WireValue> Uuid = Mostly(Gen.Frequency(
        (8, Gen.Guid.Select(g => g.ToString())),
        (1, Gen.Guid.Select(g => g.ToString("B"))),
        (1, HostileText)).Select(t => (WireValue)new WireValue.Text(t)));

    private static readonly Gen<(string Key, WireValue Value)?> NoField = Gen.Const(((string, WireValue)?)null);

    private static Gen<(string Key, WireValue Value)?> Field(string key, Gen<WireValue> value, int presentWeight = 9) =>
        Gen.Frequency((presentWeight, value.Select(v => ((string, WireValue)?)(key, v))), (1, NoField));

    /// <summary>A person (V1 or V2) or meter message, with each field usually there and usually of the right kind.</summary>
    private static readonly Gen<WireValue> Message = Gen.Frequency(
        (6, Gen.Select(
            Field("uuid", Uuid),
            Field("first_name", Mostly(Text(HostileText))),
            Field("last_name", Mostly(Text(HostileText))),
            Field("email", Mostly(Text(HostileText)), presentWeight: 3),
            Field("extra", AnyValue, presentWeight: 1),
            (uuid, first, last, email, extra) => MapOf(uuid, first, last, email, extra))),
        (2, Gen.Select(
            Field("name", Mostly(Text(HostileText))),
            Field("reading", Mostly(Gen.Frequency((4, Gen.Int[-2, 20].Select(n => (WireValue)new WireValue.Number(n.ToString(System.Globalization.CultureInfo.InvariantCulture)))), (1, Numbers)))),
            (name, reading) => MapOf(name, reading))),
        (1, AnyValue));

    /// <summary>An envelope built field by field: right most of the time, every field sometimes wrong, missing, repeated or reordered.</summary>
    public static readonly Gen<WireValue> Envelope = Gen.Frequency(
        (12, Gen.Select(
            Field("type", Gen.Frequency((10, Gen.OneOf("person", "meter", "place").Select(t => (WireValue)new WireValue.Text(t))), (3, Text(HostileText)), (1, AnyValue)), presentWeight: 20),
            Field("version", Gen.Frequency((10, Gen.OneOf("1", "2").Select(t => (WireValue)new WireValue.Number(t))), (2, Numbers), (1, AnyValue)), presentWeight: 20),
            Field("message", Message, presentWeight: 20),
            Field("producer", Gen.Frequency((3, Text(HostileText)), (1, Gen.Const((WireValue)new WireValue.Null())), (1, AnyValue)), presentWeight: 3),
            Gen.Select(Gen.OneOf("type", "version", "message", "producer", "extra", "\udc00", "typ\u00e9"), AnyValue, (k, v) => KeyValuePair.Create(k, v)).Array[0, 2],
            Gen.Bool,
            (type, version, message, producer, extras, extrasFirst) =>
            {
                var fields = MapOf(type, version, message, producer).Entries;
                return (WireValue)new WireValue.Map(extrasFirst ? [.. extras, .. fields] : [.. fields, .. extras]);
            })),
        (1, AnyValue));

    /// <summary>One byte-level change: flip, overwrite, insert, delete, truncate, duplicate, or a swapped format prefix.</summary>
    private static readonly Gen<(int Op, int Position, int Length, byte Byte)> Mutation =
        Gen.Select(Gen.Int[0, 7], Gen.Int[0, int.MaxValue], Gen.Int[1, 8], Gen.Frequency((3, Gen.Byte), (1, Gen.OneOf<byte>(0x00, 0xc1, 0xdb, 0xdf, 0xff, 0x22, 0x5c, 0x3a, 0x7b, 0x7d, 0x80, 0xed, 0xa0))));

    /// <summary>A generated envelope in either format, half of the time mutated one to four times.</summary>
    public static readonly Gen<byte[]> Records = Gen.Select(
        Envelope,
        Gen.Frequency((11, Gen.Const("json")), (9, Gen.Const("msgpack"))),
        Gen.Frequency((4, Gen.Const(false)), (1, Gen.Const(true))),
        Gen.Frequency((1, Gen.Const(Array.Empty<(int, int, int, byte)>())), (1, Mutation.Array[1, 4])),
        (envelope, format, ensureAscii, mutations) => Mutate(envelope.ToRecord(format, ensureAscii), mutations));

    /// <summary>Valid people written by the library's own writer, in either format, with any valid Unicode and an optional producer.</summary>
    public static readonly Gen<(byte[] Record, object Message, string? Producer)> ValidPeople = Gen.Select(
        Gen.Guid,
        ValidText,
        ValidText,
        Gen.Frequency((3, ValidText.Select(t => (string?)t)), (1, Gen.Const((string?)null))),
        Gen.Int[1, 2],
        Gen.OneOf("json", "msgpack"),
        Gen.Frequency((1, ValidText.Select(t => (string?)t)), (1, Gen.Const((string?)null))),
        (uuid, first, last, email, version, format, producer) =>
        {
            object message = version == 1 ? new PersonV1(uuid, first, last) : new PersonV2(uuid, first, last, email);
            byte[] record = version == 1
                ? Writer.Write(format, "person", 1, (PersonV1)message, producer)
                : Writer.Write(format, "person", 2, (PersonV2)message, producer);
            return (record, message, (string?)producer);
        });

    /// <summary>Any Unicode text without lone surrogates: letters, controls, NUL, non-characters, astral pairs.</summary>
    private static Gen<string> ValidText => Gen.Select(
        Gen.Frequency(
            (6, Gen.Char['a', 'z']),
            (3, Gen.Char.Where(c => !char.IsSurrogate(c))),
            (1, Gen.OneOf('\0', '"', '\\', '\u2028', '\uFFFE', '\uFFFF'))).Array[0, 12],
        Gen.Bool,
        (chars, astral) => astral ? new string(chars) + "💥" : new string(chars));

    /// <summary>Applies byte-level mutations in order.</summary>
    public static byte[] Mutate(byte[] record, IReadOnlyList<(int Op, int Position, int Length, byte Byte)> mutations)
    {
        var bytes = new List<byte>(record);
        foreach (var (op, position, length, value) in mutations)
        {
            int at = bytes.Count == 0 ? 0 : position % bytes.Count;
            int take = Math.Min(length, bytes.Count - at);
            switch (op)
            {
                case 0 when bytes.Count > 0: bytes[at] ^= (byte)(1 << (value & 7)); break;
                case 1 when bytes.Count > 0: bytes[at] = value; break;
                case 2: bytes.InsertRange(at, Enumerable.Repeat(value, length)); break;
                case 3: bytes.RemoveRange(at, take); break;
                case 4: bytes.RemoveRange(at, bytes.Count - at); break;
                case 5: bytes.InsertRange(at, bytes.GetRange(at, take)); break;
                case 6:
                    int colon = bytes.IndexOf((byte)':');
                    byte[] prefix = (value % 4) switch { 0 => "json:"u8.ToArray(), 1 => "msgpack:"u8.ToArray(), 2 => "pickle:"u8.ToArray(), _ => [] };
                    bytes.RemoveRange(0, colon + 1);
                    bytes.InsertRange(0, prefix);
                    break;
                default:
                    // A 32-bit length header claiming more than there is, where MessagePack lengths live.
                    bytes.InsertRange(at, [0xdb, 0x7f, value, 0xff, 0xff]);
                    break;
            }
        }

        return [.. bytes];
    }

    private static WireValue.Map MapOf(params (string Key, WireValue Value)?[] fields) =>
        new([.. fields.Where(f => f is not null).Select(f => KeyValuePair.Create(f!.Value.Key, f.Value.Value))]);

    /// <summary>Text of exactly <paramref name="bytes"/> UTF-8 bytes (or one less, when <paramref name="c"/> does not divide it) of <paramref name="c"/>, padded with 'x'.</summary>
    private static string AtUtf8Length(int bytes, char c)
    {
        int width = Encoding.UTF8.GetByteCount([c]);
        int count = bytes / width;
        return new string(c, count) + new string('x', bytes - count * width);
    }
}
