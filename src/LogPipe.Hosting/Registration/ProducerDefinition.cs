
namespace LogPipe.Hosting;

/// <summary>One producer as configured: the model's serializer, its topic or stream, and its format. Immutable.</summary>
/// <param name="Stream">The Kafka topic or Kinesis stream.</param>
/// <param name="Serializer">The serializer that maps the model to the message.</param>
/// <param name="Format">The format to write, or <see langword="null"/> for <c>LogPipe:DefaultFormat</c>.</param>
public sealed record ProducerDefinition(string Stream, SerializerDescriptor Serializer, string? Format)
{
    /// <summary>The keyed-service name of the producer, or <see langword="null"/> for the model's default producer.</summary>
    public string? Name { get; init; }
}
