using System.Collections.Concurrent;

namespace LogPipe.Hosting.Tests.Consumers.SetWise;

/// <summary>What the set-wise test serializers were handed, kept outside the unit's transaction.</summary>
public sealed class SetSaveJournal
{
    /// <summary>Each batch as handed over: (serializer version, uuid, last name, whether lookup found an instance, offset).</summary>
    public ConcurrentQueue<IReadOnlyList<(int Version, Guid Uuid, string LastName, bool HadInstance, long Offset)>> Batches { get; } = new();

    public int Prefetches;

    public int PerRecordSaves;

    /// <summary>A message with this last name fails its save, in a batch and on its own.</summary>
    public string? PoisonLastName { get; set; }
}
