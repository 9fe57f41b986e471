namespace LogPipe.Hosting.InMemory;

/// <summary>
/// Kafka's default key partitioner (murmur2, as in the Java client, kafka-python and librdkafka's <c>murmur2_random</c>),
/// so the in-memory transport places a key on the same partition a Kafka cluster would.
/// </summary>
internal static class KafkaPartitioner
{
    /// <summary>The partition Kafka's default partitioner assigns a key to.</summary>
    /// <param name="key">The key bytes.</param>
    /// <param name="partitionCount">The number of partitions.</param>
    /// <returns>A partition in <c>[0, partitionCount)</c>.</returns>
    public static int PartitionFor(ReadOnlySpan<byte> key, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        return (Murmur2(key) & 0x7fffffff) % partitionCount;
    }

    /// <summary>Kafka's murmur2 hash (seed 0x9747b28c).</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The hash.</returns>
    public static int Murmur2(ReadOnlySpan<byte> data)
    {
        const uint m = 0x5bd1e995;
        const int r = 24;
        var length = data.Length;
        var h = 0x9747b28cu ^ (uint)length;
        var i = 0;
        for (; i + 4 <= length; i += 4)
        {
            var k = (uint)(data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
            k *= m;
            k ^= k >> r;
            k *= m;
            h *= m;
            h ^= k;
        }

        switch (length - i)
        {
            case 3:
                h ^= (uint)data[i + 2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[i + 1] << 8;
                goto case 1;
            case 1:
                h ^= data[i];
                h *= m;
                break;
        }

        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return (int)h;
    }
}
