using System.Text.Json;
using System.Text.Json.Serialization;

namespace LogPipe.Hosting.Tests.Consumers;

/// <summary>A message whose field's converter throws something System.Text.Json does not wrap, as a buggy user converter would.</summary>
public sealed record ThrowingConverterMessage([property: JsonConverter(typeof(ThrowingConverterMessage.Throwing))] string Name)
{
    public sealed class Throwing : JsonConverter<string>
    {
        public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new ArgumentOutOfRangeException(nameof(reader), "the converter's own bug");

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    public sealed class Serializer : MessageSerializer<ThrowingConverterMessage>
    {
        public override string MessageType => "odd";

        public override int Version => 1;

        public override Task SaveAsync(ThrowingConverterMessage message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
