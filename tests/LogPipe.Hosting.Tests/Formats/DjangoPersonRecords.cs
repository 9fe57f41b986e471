namespace LogPipe.Hosting.Tests.Formats;

/// <summary>
/// The bytes django-logpipe writes for one person (type <c>person</c>, version 1), in each format, with and without a
/// producer id: what our envelope writer and the test harness's injection must both produce.
/// </summary>
internal static class DjangoPersonRecords
{
    public const string Uuid = "7b5c4a1e-0f2d-4c3b-9a8e-1d2c3b4a5f6e";

    /// <summary>The message as the Django service's serializer renders it.</summary>
    public const string MessageJson = "{\"uuid\":\"" + Uuid + "\",\"first_name\":\"Joe\",\"last_name\":\"Schmoe\"}";

    public static byte[] Json() => Wire.Bytes("json:{\"type\":\"person\",\"version\":1,\"message\":" + MessageJson + "}");

    public static byte[] JsonWithProducer() => Wire.Bytes("json:{\"type\":\"person\",\"version\":1,\"message\":" + MessageJson + ",\"producer\":\"people-api\"}");

    public static byte[] Msgpack() => Wire.Bytes(
        "msgpack:",
        0x83, // fixmap, 3 entries
        0xa4, "type", 0xa6, "person",
        0xa7, "version", 0x01,
        0xa7, "message", 0x83,
        0xa4, "uuid", 0xd9, 36, Uuid, // 36 bytes: str8, as use_bin_type=True allows
        0xaa, "first_name", 0xa3, "Joe",
        0xa9, "last_name", 0xa6, "Schmoe");

    public static byte[] MsgpackWithProducer() => Wire.Bytes(
        "msgpack:",
        0x84,
        0xa4, "type", 0xa6, "person",
        0xa7, "version", 0x01,
        0xa7, "message", 0x83,
        0xa4, "uuid", 0xd9, 36, Uuid,
        0xaa, "first_name", 0xa3, "Joe",
        0xa9, "last_name", 0xa6, "Schmoe",
        0xa8, "producer", 0xaa, "people-api");
}
