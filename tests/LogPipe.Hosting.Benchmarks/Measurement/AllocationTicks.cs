using System.Diagnostics.Tracing;

namespace LogPipe.Hosting.Benchmarks.Measurement;

/// <summary>
/// Counts the managed bytes every thread of this process allocates, from the runtime's <c>GCAllocationTick</c> events:
/// each GC heap reports, about every 100 KB it hands out, how much it handed out since its last report.
/// </summary>
/// <remarks>
/// <see cref="GC.GetTotalAllocatedBytes(bool)"/> cannot be used for a phase under Server GC: it sums the counters of the
/// heaps active <em>now</em>, and with DATAS (on by default for Server GC since .NET 9) the runtime takes heaps out of use
/// and back at run time. The sum then falls by the counter of a heap taken out (gigabytes, a whole run's allocations on
/// it), and since the approximate reading never reports less than it reported before, a phase measured across such a drop
/// read 0 bytes allocated (dotnet/runtime#131069, fixed after the .NET 10.0 this was measured on). The ticks carry each heap's own amounts, whatever the heap
/// count. The error is at most one tick (~100 KB) per heap at each end of a phase.
/// </remarks>
public sealed class AllocationTicks : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _byType = new(StringComparer.Ordinal);
    private long _bytes;
    private long _ticks;
    private DateTime _until = DateTime.MaxValue;
    private DateTime _lastSeen = DateTime.MinValue;

    /// <summary>Bytes allocated by all threads since this listener started (up to <see cref="StopAt"/>, once called).</summary>
    public long Bytes
    {
        get
        {
            lock (_gate) return _bytes;
        }
    }

    /// <summary>
    /// The bytes of each tick charged to the type of the object whose allocation crossed the tick's threshold: a sample
    /// of where the bytes go (a type allocated often and large shows in proportion), not an exact count per type.
    /// </summary>
    public IReadOnlyList<(string Type, long Bytes)> ByType(int top)
    {
        lock (_gate) return [.. _byType.OrderByDescending(t => t.Value).Take(top).Select(t => (t.Key, t.Value))];
    }

    /// <summary>Allocation ticks seen.</summary>
    public long Ticks
    {
        get
        {
            lock (_gate) return _ticks;
        }
    }

    /// <summary>
    /// Ends the count at <paramref name="until"/> (UTC): the runtime delivers its events to listeners asynchronously, so
    /// this allocates until a tick stamped after <paramref name="until"/> arrived (every tick before it has then been
    /// delivered), for at most a few seconds.
    /// </summary>
    public void StopAt(DateTime until)
    {
        lock (_gate) _until = until;
        var deadline = DateTime.UtcNow + FlushTimeout;
        while (DateTime.UtcNow < deadline)
        {
            lock (_gate)
            {
                if (_lastSeen >= until) return;
            }

            // Enough to make this thread's heap report a tick; not counted (stamped after the end).
            for (var i = 0; i < 64; i++) GC.KeepAlive(new byte[4096]);
            Thread.Sleep(5);
        }
    }

    /// <inheritdoc />
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource) EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
    }

    /// <inheritdoc />
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal)) return;
        var index = eventData.PayloadNames?.IndexOf("AllocationAmount64") ?? -1;
        if (index < 0 || eventData.Payload?[index] is not ulong amount) return;
        var stamp = eventData.TimeStamp.ToUniversalTime();
        lock (_gate)
        {
            if (stamp > _lastSeen) _lastSeen = stamp;
            if (stamp > _until) return;
            _bytes += (long)amount;
            _ticks++;
            var typeIndex = eventData.PayloadNames!.IndexOf("TypeName");
            if (typeIndex >= 0 && eventData.Payload![typeIndex] is string type) _byType[type] = _byType.GetValueOrDefault(type) + (long)amount;
        }
    }
}
