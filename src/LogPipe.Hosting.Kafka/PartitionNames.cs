using System.Globalization;

namespace LogPipe.Hosting.Kafka;

/// <summary>Partition numbers as the strings checkpoints and positions use, built once instead of per record.</summary>
internal static class PartitionNames
{
    private static readonly string[] Cached = Enumerable.Range(0, 4096).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();

    public static string Of(int partition) =>
        (uint)partition < (uint)Cached.Length ? Cached[partition] : partition.ToString(CultureInfo.InvariantCulture);

    public static int Parse(string partition) => int.Parse(partition, NumberStyles.None, CultureInfo.InvariantCulture);
}
