using System.Diagnostics;
using System.Globalization;

namespace LogPipe.Hosting.Benchmarks.Measurement;

/// <summary>
/// <c>meter-check</c>: reproduces how a phase came to report 0 bytes allocated under Server GC, and prints what
/// <see cref="PhaseMeter"/> counted beside what the allocating thread counted itself
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>, exact). First, unmeasured, bursts of allocation on two threads
/// and quiet spells, until DATAS takes a heap out of use (seen as the runtime's summed counter falling); then a measured
/// phase of light allocation on one thread, on the heaps left. The benchmark tests run it in a child process with DATAS
/// tuned to move often. Whether DATAS takes a heap out within the patience depends on the machine's load (on two busy
/// cores it may not); the measured phase runs either way, and the output says which case it was.
/// </summary>
public static class MeterCheck
{
    /// <summary>The command's name.</summary>
    public const string Command = "meter-check";

    // 6 s: on two cores DATAS kept its heap count in every run seen, idle or loaded, with a patience of 60 s and of 20 s;
    // the wait is bursts of allocation on two threads, so each second of it is a second of both cores in the test run.
    // The measured phase runs either way, and the test's assertions hold in both cases.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan Spell = TimeSpan.FromMilliseconds(1500);
    private static readonly TimeSpan Measured = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Runs the check; the last two lines are <c>heap taken out: yes|no</c> and <c>measured N bytes, threads counted M
    /// bytes</c>.
    /// </summary>
    public static int Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(HeapTakenOut() ? "heap taken out: yes" : "heap taken out: no (the GC kept its heap count within the patience)");

        using var meter = PhaseMeter.Start();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Quietly(Measured);
        var counted = GC.GetAllocatedBytesForCurrentThread() - before;
        var measured = meter.Stop(1).AllocatedBytes;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"measured {measured} bytes, threads counted {counted} bytes"));
        return 0;
    }

    /// <summary>Alternates bursts and quiet spells until the summed per-heap counters fall: a heap was taken out of use.</summary>
    private static bool HeapTakenOut()
    {
        var patience = Stopwatch.StartNew();
        var last = GC.GetTotalAllocatedBytes(precise: true);
        while (patience.Elapsed < Patience)
        {
            var stop = 0;
            var threads = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
            {
                while (Volatile.Read(ref stop) == 0) Allocate(1000);
            })).ToList();
            threads.ForEach(t => t.Start());
            Thread.Sleep(Spell);
            Volatile.Write(ref stop, 1);
            threads.ForEach(t => t.Join());
            // Read as a phase's end reads it: the runtime keeps the highest value it reported and never reports less.
            GC.KeepAlive(GC.GetTotalAllocatedBytes(precise: false));
            var quiet = Stopwatch.StartNew();
            last = GC.GetTotalAllocatedBytes(precise: true);
            while (quiet.Elapsed < Spell)
            {
                Quietly(TimeSpan.FromMilliseconds(100));
                var now = GC.GetTotalAllocatedBytes(precise: true);
                if (now < last) return true;
                last = now;
            }
        }

        return false;
    }

    private static void Quietly(TimeSpan duration)
    {
        var quiet = Stopwatch.StartNew();
        while (quiet.Elapsed < duration)
        {
            Allocate(2000);
            GC.Collect(0);
            Thread.Sleep(20);
        }
    }

    private static void Allocate(int objects)
    {
        for (var i = 0; i < objects; i++) GC.KeepAlive(new byte[64]);
    }
}
