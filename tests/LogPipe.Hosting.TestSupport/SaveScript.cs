using System.Collections.Concurrent;

namespace LogPipe.Hosting.TestSupport;

/// <summary>What <see cref="ScriptedPersonSerializer"/> does on save, per person: succeed, throw, run long or hang.</summary>
public sealed class SaveScript
{
    /// <summary>Runs before the save of each person, in the unit's DbContext; may throw, wait on the token, or never return.</summary>
    public Func<PersonV1, TestDb, CancellationToken, Task>? BeforeSave { get; set; }

    /// <summary>Thrown from the serializer's constructor when set.</summary>
    public Exception? FailConstruction { get; set; }

    public ConcurrentDictionary<Guid, int> Tries { get; } = new();

    /// <summary>Completes when a save reaches <see cref="BeforeSave"/>.</summary>
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int TriesOf(Guid uuid) => Tries.GetValueOrDefault(uuid);
}
