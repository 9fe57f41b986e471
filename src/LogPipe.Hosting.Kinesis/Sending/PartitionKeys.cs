using System.Security.Cryptography;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Kinesis.Sending;

/// <summary>
/// The Kinesis partition key of a record: its key (the serializer's key field, as django-logpipe sends it), or — because
/// Kinesis requires one and a serializer may have no key field — a fallback derived from the record's value.
/// </summary>
/// <remarks>
/// The fallback is <c>logpipe-</c> plus the first 16 bytes of the value's SHA-256, in hex. It is stable (the same record
/// always lands on the same shard, from any process) and spreads keyless records over all shards, as Kafka spreads
/// keyless messages over partitions. Keyless records have no order to keep, so nothing depends on them sharing a shard.
/// </remarks>
internal static class PartitionKeys
{
    public const string FallbackPrefix = "logpipe-";

    public static string For(OutgoingRecord record) =>
        string.IsNullOrEmpty(record.Key) ? Fallback(record.Value.Span) : record.Key;

    public static string Fallback(ReadOnlySpan<byte> value)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(value, hash);
        return FallbackPrefix + Convert.ToHexStringLower(hash[..16]);
    }
}
