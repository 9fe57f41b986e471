using System.Diagnostics;

namespace LogPipe.Hosting.Benchmarks.Measurement;

/// <summary>
/// Measures one phase in this process: wall time, the highest working set seen while it ran (a sampler thread, because
/// <see cref="Process.PeakWorkingSet64"/> never resets), GC counts, bytes allocated by every thread (from the runtime's
/// allocation ticks, see <see cref="AllocationTicks"/>), and CPU time.
/// </summary>
public sealed class PhaseMeter : IDisposable
{
    /// <summary>Set to a number N to print the N types that allocated most in each phase (sampled), for profiling.</summary>
    public const string AllocationTypesVariable = "LOGPIPE_BENCH_ALLOC_TYPES";

    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(10);

    private readonly Stopwatch _stopwatch = new();
    private readonly Thread _sampler;
    private readonly ManualResetEventSlim _stop = new();
    private readonly int[] _collectionsAtStart = new int[3];
    private long _peakWorkingSet;
    private long _peakManagedHeap;
    private AllocationTicks? _allocations;
    private TimeSpan _cpuAtStart;
    private PhaseMeasurement? _result;

    private PhaseMeter()
    {
        _sampler = new Thread(Sample) { IsBackground = true, Name = "working-set sampler", Priority = ThreadPriority.AboveNormal };
    }

    /// <summary>Collects garbage left by earlier phases (so they are not charged to this one), then starts measuring.</summary>
    public static PhaseMeter Start()
    {
        SettleMemory();
        var meter = new PhaseMeter();
        meter.Begin();
        return meter;
    }

    /// <summary>Returns as much memory to the OS as the runtime can, so each phase's working set starts from the same floor.</summary>
    public static void SettleMemory()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>Stops measuring; <paramref name="records"/> is how many records the phase moved.</summary>
    public PhaseMeasurement Stop(long records)
    {
        if (_result is not null) return _result;
        _stopwatch.Stop();
        var cpu = CpuTime() - _cpuAtStart;
        _allocations!.StopAt(DateTime.UtcNow);
        var allocated = _allocations.Bytes;
        if (int.TryParse(Environment.GetEnvironmentVariable(AllocationTypesVariable), out var top) && top > 0 && records > 0)
        {
            // Where the bytes go, sampled by the runtime's allocation ticks: for finding what to cut, not for the table.
            foreach (var (type, bytes) in _allocations.ByType(top))
            {
                Console.Error.WriteLine(FormattableString.Invariant($"  alloc {bytes / (double)records,8:F0} B/rec  {type}"));
            }
        }

        _allocations.Dispose();
        _stop.Set();
        _sampler.Join();
        ObserveWorkingSet();
        _result = new PhaseMeasurement(
            records,
            _stopwatch.Elapsed,
            Interlocked.Read(ref _peakWorkingSet),
            Interlocked.Read(ref _peakManagedHeap),
            GC.CollectionCount(0) - _collectionsAtStart[0],
            GC.CollectionCount(1) - _collectionsAtStart[1],
            GC.CollectionCount(2) - _collectionsAtStart[2],
            allocated,
            cpu);
        return _result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_sampler.IsAlive)
        {
            _stop.Set();
            _sampler.Join();
        }

        _allocations?.Dispose();
        _stop.Dispose();
    }

    private void Begin()
    {
        for (var g = 0; g < 3; g++) _collectionsAtStart[g] = GC.CollectionCount(g);
        _allocations = new AllocationTicks();
        _cpuAtStart = CpuTime();
        _peakWorkingSet = Environment.WorkingSet;
        _peakManagedHeap = GC.GetTotalMemory(forceFullCollection: false);
        _sampler.Start();
        _stopwatch.Start();
    }

    private void Sample()
    {
        while (!_stop.Wait(SampleInterval)) ObserveWorkingSet();
    }

    private void ObserveWorkingSet()
    {
        RaiseTo(ref _peakWorkingSet, Environment.WorkingSet);
        // Tells managed growth (our objects) from native growth (librdkafka's queues, SQLite's cache) in the working set.
        RaiseTo(ref _peakManagedHeap, GC.GetTotalMemory(forceFullCollection: false));
    }

    private static void RaiseTo(ref long peak, long now)
    {
        long seen;
        while (now > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, now, seen) != seen)
        {
        }
    }

    private static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
