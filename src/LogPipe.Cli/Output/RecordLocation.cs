namespace LogPipe.Cli.Output;

/// <summary>Where a record came from and when, with its raw key and value.</summary>
internal sealed record RecordLocation(string Stream, string Partition, long Offset, DateTimeOffset Timestamp, byte[]? Key, byte[] Value);
