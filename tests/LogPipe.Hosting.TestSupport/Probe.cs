using System.Collections.Concurrent;

namespace LogPipe.Hosting.TestSupport;

/// <summary>Counts what serializers were asked to do, so tests can assert what never happened.</summary>
public sealed class Probe
{
    public ConcurrentDictionary<Type, int> Constructed { get; } = new();

    public ConcurrentDictionary<Type, int> Saves { get; } = new();

    /// <summary>Throws from save while positive, counting down; set to int.MaxValue to always fail.</summary>
    public int FailSaves;

    /// <summary>When set, save writes its change and then throws, as a process dying between save and commit would.</summary>
    public bool ThrowAfterWriting;

    /// <summary>
    /// The next this many transaction commits throw, as a database that loses the connection at commit would (counted
    /// down by <see cref="CommitFailures"/>, which a test app adds to its DbContext).
    /// </summary>
    public int FailCommits;

    /// <summary>
    /// The next this many transaction commits land but throw afterwards, as when the connection drops while the answer to
    /// COMMIT travels: the caller cannot tell that it committed (counted down by <see cref="CommitFailures"/>).
    /// </summary>
    public int LoseCommitAnswers;

    /// <summary>Every transaction commit first waits this many milliseconds, as a slow database would (<see cref="CommitFailures"/>).</summary>
    public int CommitDelayMs;

    /// <summary>Save of the person with this uuid throws this many more times.</summary>
    public ConcurrentDictionary<Guid, int> FailTimes { get; } = new();

    /// <summary>Serializers allow batched saves (and prefetch their instances).</summary>
    public bool Batched { get; set; }

    /// <summary>Lookups do not look at instances added earlier in the unit (as a careless serializer would).</summary>
    public bool LookupIgnoresLocal { get; set; }

    /// <summary>How many prefetches ran, and over how many messages.</summary>
    public int Prefetches;

    public int PrefetchedMessages;

    /// <summary>When set, every save waits here first; <see cref="GateReached"/> completes when one arrives.</summary>
    public SemaphoreSlim? SaveGate { get; set; }

    public TaskCompletionSource GateReached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Called with the person's uuid each time a record is handed to save, outside the unit's transaction: what a unit
    /// did is seen even when the unit rolls back.
    /// </summary>
    public Action<Guid>? Saving { get; set; }

    public void Created(object serializer) => Constructed.AddOrUpdate(serializer.GetType(), 1, (_, n) => n + 1);

    public int ConstructedCount<T>() => Constructed.GetValueOrDefault(typeof(T));

    public int SaveCount<T>() => Saves.GetValueOrDefault(typeof(T));
}
