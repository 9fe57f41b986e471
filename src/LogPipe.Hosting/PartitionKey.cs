namespace LogPipe.Hosting;

/// <summary>Identifies one partition (Kafka) or shard (Kinesis) of one topic or stream, on one transport.</summary>
/// <param name="Transport">
/// The transport and, where it matters, its region: <c>kafka</c>, <c>kinesis:us-east-1</c>, <c>memory</c>.
/// Part of the checkpoint key so several transports and regions can share one database.
/// </param>
/// <param name="Stream">The Kafka topic or Kinesis stream name.</param>
/// <param name="Partition">The Kafka partition number or the Kinesis shard id.</param>
/// <remarks>Extension point for transport authors: names a partition or shard in checkpoints. See
/// docs/extending.md.</remarks>
public readonly record struct PartitionKey(string Transport, string Stream, string Partition)
{
    /// <inheritdoc />
    public override string ToString() => $"{Transport}/{Stream}/{Partition}";
}
