namespace LogPipe.Hosting.Kinesis.Tests.Leases;

/// <summary>One committed application of a person's version (<see cref="ApplyLog"/>).</summary>
public sealed record ApplyLogRow(string Person, int Version, string Instance, long Seq);
