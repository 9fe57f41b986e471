using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.Runtime;

namespace LogPipe.Hosting.Kinesis.Client.Transport;

/// <summary>Writes and reads an AWS-style constant (such as <c>ShardIteratorType</c>) as its plain string value.</summary>
/// <typeparam name="T">The constant type.</typeparam>
internal abstract class ConstantClassJsonConverter<T> : JsonConverter<T>
    where T : ConstantClass
{
    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? FromValue(reader.GetString()!)
            : throw new JsonException($"Expected a string for {typeof(T).Name}, found {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);

    protected abstract T FromValue(string value);
}
