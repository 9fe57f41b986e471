using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using LogPipe.Hosting.Kinesis.Client.Model;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary>Which shard Kinesis puts a partition key on: the MD5 of the key as a 128-bit number, inside the shard's hash key range.</summary>
internal static class ShardHashing
{
    public static string ShardFor(string partitionKey, IReadOnlyList<Shard> shards)
    {
#pragma warning disable CA5351 // Kinesis itself maps partition keys with MD5.
        var hash = new BigInteger(MD5.HashData(Encoding.UTF8.GetBytes(partitionKey)), isUnsigned: true, isBigEndian: true);
#pragma warning restore CA5351
        return shards.Single(s =>
            s.SequenceNumberRange!.EndingSequenceNumber is null
            && hash >= BigInteger.Parse(s.HashKeyRange!.StartingHashKey!, CultureInfo.InvariantCulture)
            && hash <= BigInteger.Parse(s.HashKeyRange.EndingHashKey!, CultureInfo.InvariantCulture)).ShardId!;
    }
}
