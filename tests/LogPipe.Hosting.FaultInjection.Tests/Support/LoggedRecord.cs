namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>One record as it is on a Kafka topic: where it is, its value and its headers (the last value of each name).</summary>
public sealed record LoggedRecord(int Partition, long Offset, byte[] Value, IReadOnlyDictionary<string, string> Headers);
