namespace LogPipe.Hosting.Consumers;

/// <summary>The set-wise runs of one batched unit: which serializer saves set-wise, and which run collects now.</summary>
internal sealed class SetSaveRuns(IServiceProvider services)
{
    private Dictionary<SerializerInvoker, SetSaveRun?>? _runs;
    private SerializerInvoker? _lastInvoker;
    private SetSaveRun? _lastRun;

    /// <summary>The run collecting records now, if any.</summary>
    public SetSaveRun? Current { get; private set; }

    /// <summary>The run of <paramref name="invoker"/>'s serializer, or <see langword="null"/> when it saves one message at a time.</summary>
    public SetSaveRun? For(SerializerInvoker? invoker)
    {
        if (invoker is null) return null;
        if (ReferenceEquals(invoker, _lastInvoker)) return _lastRun;
        _runs ??= [];
        if (!_runs.TryGetValue(invoker, out var run))
        {
            run = invoker.StartSetSave(services);
            _runs[invoker] = run;
        }

        (_lastInvoker, _lastRun) = (invoker, run);
        return run;
    }

    /// <summary>Makes <paramref name="run"/> the collecting one; returns the run it ends when that one has records waiting.</summary>
    public SetSaveRun? Switch(SetSaveRun run)
    {
        if (ReferenceEquals(run, Current)) return null;
        var ended = Current;
        Current = run;
        return ended is { Count: > 0 } ? ended : null;
    }
}
