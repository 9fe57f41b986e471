using System.Text;
using LogPipe.Hosting.Formats;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>One kind of bad record: its bytes (null for a Kafka tombstone), and the error it must be dead-lettered with.</summary>
/// <param name="Name">What is wrong with it.</param>
/// <param name="Expected">The <see cref="MessageErrorKind"/> of its dead letter; <see langword="null"/> when it must not become one (an ignored type).</param>
/// <param name="Reason">A phrase the dead letter's error message must contain.</param>
/// <param name="Value">The record value.</param>
/// <param name="Uuid">The person the record names, if any, so the test can check it was never applied (or was, see <paramref name="Applied"/>).</param>
/// <param name="Applied">Odd but acceptable: the record must be applied, as django-logpipe would apply it.</param>
public sealed record BadRecord(string Name, MessageErrorKind? Expected, string Reason, byte[]? Value, Guid? Uuid = null, bool Applied = false);

/// <summary>
/// The bad input corpus: broken framing, broken bodies, broken envelopes, unknown types and versions, messages that do
/// not fit or fail each validation rule, records over every limit, hostile MessagePack, a record whose save keeps
/// failing, and an ignored type. The consumer runs with the limits below so that limit breaches stay small records.
/// </summary>
internal static class BadRecords
{
    public const int MaxRecordBytes = 64 * 1024;
    public const int MaxStringLength = 4096;
    public const int MaxDepth = 32;

    /// <summary>The limits above, as the consumer runs with them.</summary>
    public static readonly EnvelopeLimits Limits = new() { MaxRecordBytes = MaxRecordBytes, MaxStringLength = MaxStringLength, MaxDepth = MaxDepth };

    private static readonly EnvelopeWriter Writer = new(PayloadJson.CreateOptions());

    /// <summary>A good record: Person V1 JSON, V2 JSON or V2 MessagePack by <paramref name="index"/>.</summary>
    public static byte[] Good(Person person, int index)
    {
        ArgumentNullException.ThrowIfNull(person);
        return (index % 3) switch
        {
            0 => Writer.Write("json", "person", 1, new PersonV1(person.Uuid, person.FirstName, person.LastName), null),
            1 => Writer.Write("json", "person", 2, new PersonV2(person.Uuid, person.FirstName, person.LastName, person.Email), null),
            _ => Writer.Write("msgpack", "person", 2, new PersonV2(person.Uuid, person.FirstName, person.LastName, person.Email), null),
        };
    }

    /// <summary>Every kind of bad record; <paramref name="poison"/> is the person whose save the test makes fail every time.</summary>
    public static IReadOnlyList<BadRecord> All(Guid poison)
    {
        var list = new List<BadRecord>();
        void Add(string name, MessageErrorKind? expected, string reason, byte[]? value, Guid? uuid = null) => list.Add(new BadRecord(name, expected, reason, value, uuid));
        void AddPerson(string name, MessageErrorKind expected, string reason, int version, Func<Guid, string> message)
        {
            var uuid = Guid.NewGuid();
            Add(name, expected, reason, Utf8($$"""json:{"type":"person","version":{{version}},"message":{{message(uuid)}}}"""), uuid);
        }

        string Message(Guid u, string first = "\"Ann\"", string last = "\"Lee\"") => $$"""{"uuid":"{{u}}","first_name":{{first}},"last_name":{{last}}}""";

        // Framing: the <code>:<body> prefix.
        Add("no colon", MessageErrorKind.Undecodable, "no format prefix", Utf8("just some text"));
        Add("empty value", MessageErrorKind.Undecodable, "empty", []);
        Add("null value (Kafka tombstone)", MessageErrorKind.Undecodable, "empty", null);
        Add("binary noise without a colon", MessageErrorKind.Undecodable, "no format prefix", [.. Enumerable.Range(0, 256).Where(b => b != ':').Select(b => (byte)b)]);
        Add("unknown prefix xml:", MessageErrorKind.UnknownFormat, "'xml'", Utf8("xml:<person/>"));
        Add("pickle: payload", MessageErrorKind.UnknownFormat, "'pickle'", Bytes("pickle:", 0x80, 0x04, 0x95, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x8c, 0x08, "builtins", 0x94, 0x8c, 0x04, "eval", 0x94, 0x93, 0x94, 0x2e));
        Add("JSON without a prefix", MessageErrorKind.UnknownFormat, "is not accepted", Utf8("""{"type":"person","version":1,"message":{}}"""));
        Add("upper-case JSON: prefix", MessageErrorKind.UnknownFormat, "'JSON'", Utf8("""JSON:{"type":"person","version":1,"message":{}}"""));

        // JSON bodies that are not JSON.
        Add("json: with an empty body", MessageErrorKind.Undecodable, "not valid JSON", Utf8("json:"));
        Add("truncated JSON", MessageErrorKind.Undecodable, "not valid JSON", Utf8("""json:{"type":"person","version":1,"message":{"uuid":"""));
        Add("invalid UTF-8", MessageErrorKind.Undecodable, "UTF-8", Bytes("""json:{"type":"pe""", 0xc3, 0x28, """rson","version":1,"message":{}}"""));
        Add("trailing garbage after the JSON", MessageErrorKind.Undecodable, "not valid JSON", Utf8("""json:{"type":"person","version":1,"message":{}} x"""));
        Add("NaN in JSON", MessageErrorKind.Undecodable, "not valid JSON", Utf8("""json:{"type":"person","version":1,"message":{"x":NaN}}"""));
        Add("single-quoted JSON", MessageErrorKind.Undecodable, "not valid JSON", Utf8("json:{'type':'person'}"));

        // JSON that is not an envelope.
        Add("JSON array instead of an object", MessageErrorKind.InvalidEnvelope, "an array", Utf8("json:[1,2,3]"));
        Add("JSON number instead of an object", MessageErrorKind.InvalidEnvelope, "a number", Utf8("json:42"));
        Add("JSON string instead of an object", MessageErrorKind.InvalidEnvelope, "a string", Utf8("json:\"person\""));
        Add("JSON null instead of an object", MessageErrorKind.InvalidEnvelope, "null", Utf8("json:null"));
        Add("missing type", MessageErrorKind.InvalidEnvelope, "no 'type'", Utf8("""json:{"version":1,"message":{}}"""));
        Add("non-string type", MessageErrorKind.InvalidEnvelope, "'type' must be a string", Utf8("""json:{"type":7,"version":1,"message":{}}"""));
        Add("null type", MessageErrorKind.InvalidEnvelope, "'type' must be a string", Utf8("""json:{"type":null,"version":1,"message":{}}"""));
        Add("missing version", MessageErrorKind.InvalidEnvelope, "no 'version'", Utf8("""json:{"type":"person","message":{}}"""));
        Add("string version", MessageErrorKind.InvalidEnvelope, "'version' must be an integer", Utf8("""json:{"type":"person","version":"1","message":{}}"""));
        Add("non-integer version", MessageErrorKind.InvalidEnvelope, "1.5", Utf8("""json:{"type":"person","version":1.5,"message":{}}"""));
        Add("huge version", MessageErrorKind.InvalidEnvelope, "99999999999999999999", Utf8("""json:{"type":"person","version":99999999999999999999,"message":{}}"""));
        Add("missing message", MessageErrorKind.InvalidEnvelope, "no 'message'", Utf8("""json:{"type":"person","version":1}"""));
        Add("message is an array", MessageErrorKind.InvalidEnvelope, "'message' must be an object", Utf8("""json:{"type":"person","version":1,"message":[]}"""));
        Add("message is a string", MessageErrorKind.InvalidEnvelope, "'message' must be an object", Utf8("""json:{"type":"person","version":1,"message":"{}"}"""));
        Add("message is null", MessageErrorKind.InvalidEnvelope, "'message' must be an object", Utf8("""json:{"type":"person","version":1,"message":null}"""));
        Add("producer is not a string", MessageErrorKind.InvalidEnvelope, "'producer'", Utf8("""json:{"type":"person","version":1,"message":{},"producer":5}"""));

        // Types and versions nobody registered; an ignored type is skipped on purpose and is no dead letter.
        Add("unknown type", MessageErrorKind.UnknownType, "'invoice'", Utf8("""json:{"type":"invoice","version":1,"message":{"id":1}}"""));
        Add("type in the wrong case", MessageErrorKind.UnknownType, "'Person'", Utf8("""json:{"type":"Person","version":1,"message":{}}"""));
        AddPerson("unknown version 3", MessageErrorKind.UnknownVersion, "version 3", 3, u => Message(u));
        AddPerson("version 0", MessageErrorKind.UnknownVersion, "version 0", 0, u => Message(u));
        AddPerson("negative version", MessageErrorKind.UnknownVersion, "version -1", -1, u => Message(u));
        Add("ignored type (place)", null, "", Utf8($$$"""json:{"type":"place","version":1,"message":{"uuid":"{{{Guid.NewGuid()}}}","name":"Oslo"}}"""));

        // Messages that do not fit the serializer's message class.
        AddPerson("message without uuid", MessageErrorKind.InvalidMessage, "PersonV1", 1, _ => """{"first_name":"Ann","last_name":"Lee"}""");
        AddPerson("uuid that is not a UUID", MessageErrorKind.InvalidMessage, "PersonV1", 1, _ => """{"uuid":"not-a-uuid","first_name":"Ann","last_name":"Lee"}""");
        AddPerson("first_name is a number", MessageErrorKind.InvalidMessage, "PersonV1", 1, u => Message(u, first: "12"));
        AddPerson("first_name is null", MessageErrorKind.InvalidMessage, "PersonV1", 1, u => Message(u, first: "null"));
        AddPerson("email is an object (V2)", MessageErrorKind.InvalidMessage, "PersonV2", 2, u => $$$"""{"uuid":"{{{u}}}","first_name":"Ann","last_name":"Lee","email":{}}""");

        // Each validation rule of Person V1.
        AddPerson("first_name empty (NotEmpty)", MessageErrorKind.ValidationFailed, "First Name", 1, u => Message(u, first: "\"\""));
        AddPerson("last_name empty (NotEmpty)", MessageErrorKind.ValidationFailed, "Last Name", 1, u => Message(u, last: "\"\""));
        AddPerson("first_name over 200 characters (MaximumLength)", MessageErrorKind.ValidationFailed, "200", 1, u => Message(u, first: $"\"{new string('a', 201)}\""));
        AddPerson("last_name over 200 characters (MaximumLength)", MessageErrorKind.ValidationFailed, "200", 1, u => Message(u, last: $"\"{new string('b', 201)}\""));

        // Limits against hostile input.
        AddPerson("oversized record", MessageErrorKind.LimitExceeded, $"more than the limit of {MaxRecordBytes}", 2, u => $$"""{"uuid":"{{u}}","first_name":"Ann","last_name":"Lee","pad":[{{string.Join(',', Enumerable.Repeat("\"0123456789abcdef\"", 4000))}}]}""");
        AddPerson("deeply nested JSON", MessageErrorKind.LimitExceeded, $"limit of {MaxDepth} levels", 2, u => $$"""{"uuid":"{{u}}","x":{{new string('[', 200)}}{{new string(']', 200)}}}""");
        AddPerson("very long string", MessageErrorKind.LimitExceeded, "longer than the limit", 2, u => $$"""{"uuid":"{{u}}","first_name":"{{new string('x', MaxStringLength + 1)}}","last_name":"Lee"}""");
        AddPerson("very long property name", MessageErrorKind.LimitExceeded, "longer than the limit", 2, u => $$"""{"uuid":"{{u}}","{{new string('k', MaxStringLength + 1)}}":1}""");
        Add("deep nesting under an unknown envelope key", MessageErrorKind.LimitExceeded, $"limit of {MaxDepth} levels", Utf8($$$"""json:{"extra":{{{new string('[', 100)}}}{{{new string(']', 100)}}},"type":"person","version":1,"message":{}}"""));

        // MessagePack that is garbage or hostile.
        Add("msgpack garbage", MessageErrorKind.Undecodable, "MessagePack", Bytes("msgpack:", 0xc1, 0xc1, 0xc1));
        Add("msgpack with an empty body", MessageErrorKind.Undecodable, "empty", Utf8("msgpack:"));
        Add("truncated msgpack", MessageErrorKind.Undecodable, "truncated", Bytes("msgpack:", 0x83, 0xa4, "type", 0xa6, "pers"));
        Add("msgpack extension type", MessageErrorKind.Undecodable, "extension", Bytes("msgpack:", 0x83, 0xa4, "type", 0xa6, "person", 0xa7, "version", 0x01, 0xa7, "message", 0x81, 0xa2, "at", 0xd6, 0xff, 0, 0, 0, 1));
        Add("msgpack array instead of a map", MessageErrorKind.InvalidEnvelope, "an array", Bytes("msgpack:", 0x93, 0x01, 0x02, 0x03));
        Add("msgpack map claiming 2^32-1 entries", MessageErrorKind.Undecodable, "MessagePack", Bytes("msgpack:", 0xdf, 0xff, 0xff, 0xff, 0xff, 0xa4, "type"));
        Add("msgpack string claiming 2^32-1 bytes", MessageErrorKind.Undecodable, "MessagePack body", Bytes("msgpack:", 0x81, 0xdb, 0xff, 0xff, 0xff, 0xff, "ty"));
        Add("msgpack string claiming 2^31-1 bytes", MessageErrorKind.Undecodable, "MessagePack body", Bytes("msgpack:", 0x81, 0xdb, 0x7f, 0xff, 0xff, 0xff, "ty"));
        Add("msgpack binary claiming 2^31 bytes", MessageErrorKind.Undecodable, "MessagePack body", Bytes("msgpack:", 0x83, 0xa4, "type", 0xa6, "person", 0xa7, "version", 0x02, 0xa7, "message", 0x81, 0xa1, "b", 0xc6, 0x80, 0x00, 0x00, 0x00, 0x01));
        Add("deeply nested msgpack", MessageErrorKind.LimitExceeded, $"limit of {MaxDepth} levels", Bytes(["msgpack:", 0x83, 0xa4, "type", 0xa6, "person", 0xa7, "version", 0x02, 0xa7, "message", 0x81, 0xa1, "x", .. Enumerable.Repeat<object>(0x91, 100), 0x01]));
        Add("msgpack unknown version", MessageErrorKind.UnknownVersion, "version 9", Bytes("msgpack:", 0x83, 0xa4, "type", 0xa6, "person", 0xa7, "version", 0x09, 0xa7, "message", 0x80));
        var emptyName = Guid.NewGuid();
        Add("msgpack V1 with an empty first_name", MessageErrorKind.ValidationFailed, "First Name", Writer.Write("msgpack", "person", 1, new PersonV1(emptyName, "", "Lee"), null), emptyName);

        // Text a dead-letter store cannot take as it is (a type longer than its column, NUL which PostgreSQL refuses in
        // text), and lone surrogate escapes, which Python's json module writes and System.Text.Json will not read as text.
        Add("type of 300 characters", MessageErrorKind.UnknownType, "No serializer is registered", Utf8($$$"""json:{"type":"{{{new string('t', 300)}}}","version":1,"message":{}}"""));
        Add("type holding U+0000", MessageErrorKind.UnknownType, "'person\\u0000'", Utf8("""json:{"type":"person\u0000","version":1,"message":{}}"""));
        Add("type holding a raw NUL (msgpack)", MessageErrorKind.UnknownType, "'pers\\u0000on'", Bytes("msgpack:", 0x83, 0xa4, "type", 0xa7, "pers", 0x00, "on", 0xa7, "version", 0x01, 0xa7, "message", 0x80));
        Add("lone surrogate in the type", MessageErrorKind.InvalidEnvelope, "lone UTF-16 surrogate", Utf8("""json:{"type":"\udc00","version":1,"message":{}}"""));
        AddPerson("lone surrogate in first_name", MessageErrorKind.InvalidMessage, "PersonV1", 1, u => Message(u, first: "\"\\udc00\""));
        var loneProducer = Guid.NewGuid();
        list.Add(new BadRecord("lone surrogate in the producer (applied, as django-logpipe does)", null, "", Utf8($$"""json:{"type":"person","version":1,"message":{{Message(loneProducer)}},"producer":"\udc00"}"""), loneProducer, Applied: true));
        var loneKey = Guid.NewGuid();
        list.Add(new BadRecord("lone surrogate in an unknown envelope key (applied)", null, "", Utf8($$"""json:{"\ud800":1,"type":"person","version":1,"message":{{Message(loneKey)}}}"""), loneKey, Applied: true));

        // A well-formed record whose save fails every time: retried, then dead-lettered under the skip policy.
        Add("save keeps failing (poison record)", MessageErrorKind.SaveFailed, "simulated save failure", Writer.Write("json", "person", 2, new PersonV2(poison, "Poison", "Pill", null), null), poison);
        return list;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Concatenates parts: a string as UTF-8, an int as one byte.</summary>
    private static byte[] Bytes(params object[] parts) => [.. parts.SelectMany(p => p switch
    {
        string text => Encoding.UTF8.GetBytes(text),
        int single => [(byte)single],
        _ => throw new ArgumentException($"Unsupported part {p}.", nameof(parts)),
    })];
}
