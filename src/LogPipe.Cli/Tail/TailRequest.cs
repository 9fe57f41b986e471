namespace LogPipe.Cli.Tail;

/// <summary>What <c>logpipe tail</c> was asked for, whichever transport serves it.</summary>
/// <param name="Stream">The topic or stream.</param>
/// <param name="FromBeginning">From the beginning of each partition or shard, else only what arrives from now on.</param>
/// <param name="Count">Stop after this many records.</param>
/// <param name="Partition">Only this partition (Kafka: its number; Kinesis: its shard id, or the number in it).</param>
/// <param name="ExitAtEnd">Stop when every partition or shard has been read to its end.</param>
/// <param name="Json">One JSON object per record and line.</param>
internal sealed record TailRequest(string Stream, bool FromBeginning, int? Count, string? Partition, bool ExitAtEnd, bool Json);
