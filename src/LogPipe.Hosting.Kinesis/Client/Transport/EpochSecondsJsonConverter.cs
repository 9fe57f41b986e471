using System.Text.Json;
using System.Text.Json.Serialization;

namespace LogPipe.Hosting.Kinesis.Client.Transport;

/// <summary>
/// Kinesis's JSON protocol writes every timestamp as epoch seconds with a fraction
/// (<c>1700000000.123</c>); the model exposes them as UTC <see cref="DateTime"/>s like the AWS SDK.
/// </summary>
internal sealed class EpochSecondsJsonConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // decimal keeps the millisecond fraction exact; a double would turn .123 into .12299999.
        var seconds = reader.TokenType switch
        {
            JsonTokenType.Number => reader.GetDecimal(),
            _ => throw new JsonException($"Expected a timestamp in epoch seconds, found {reader.TokenType}."),
        };
        var milliseconds = decimal.Round(seconds * 1000m, MidpointRounding.AwayFromZero);
        return DateTime.UnixEpoch.AddMilliseconds((double)milliseconds);
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        var milliseconds = (utc - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;
        writer.WriteNumberValue(milliseconds / 1000m);
    }
}
