using LogPipe.Hosting;

namespace LogPipe.Cli.Offsets;

/// <summary>One row of django-logpipe's offset tables and the LogPipe checkpoint that resumes at the same record.</summary>
/// <param name="Partition">Transport (<c>kafka</c>, <c>kinesis:&lt;region&gt;</c>), topic or stream, partition or shard.</param>
/// <param name="StoredByDjango">The value in django-logpipe's table: the next offset (Kafka) or the last processed sequence number (Kinesis).</param>
/// <param name="Checkpoint">The checkpoint to store, or <see langword="null"/> when the row holds no position (a Kinesis row without a sequence number).</param>
internal sealed record DjangoOffset(PartitionKey Partition, string StoredByDjango, Checkpoint? Checkpoint);
