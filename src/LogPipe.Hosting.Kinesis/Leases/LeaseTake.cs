using LogPipe.Hosting.Checkpoints;

namespace LogPipe.Hosting.Kinesis.Leases;

/// <summary>A lease to take, as observed, and why: it is free, its holder stopped renewing it, or its holder has more than its share.</summary>
internal readonly record struct LeaseTake(ShardLease Lease, string Reason)
{
    public const string Free = "free";
    public const string Expired = "expired";
    public const string Stolen = "balancing";
}
