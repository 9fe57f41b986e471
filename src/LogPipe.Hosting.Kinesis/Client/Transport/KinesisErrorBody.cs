using System.Text.Json.Serialization;

namespace LogPipe.Hosting.Kinesis.Client.Transport;

/// <summary>The body of a JSON 1.1 error response: <c>{"__type": "...", "message": "..."}</c>.</summary>
internal sealed class KinesisErrorBody
{
    [JsonPropertyName("__type")]
    public string? Type { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    // Some AWS front ends capitalise it.
    [JsonPropertyName("Message")]
    public string? CapitalisedMessage { get; set; }
}
