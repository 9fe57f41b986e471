namespace LogPipe.Hosting.Benchmarks.Measurement;

/// <summary>What <see cref="PhaseMeter"/> measured for one phase.</summary>
/// <param name="Records">Records moved (sent and acknowledged, or read, or applied and committed).</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="PeakWorkingSetBytes">The highest working set of this process seen during the phase.</param>
/// <param name="PeakManagedHeapBytes">The largest managed heap (<see cref="GC.GetTotalMemory(bool)"/>) seen during the phase.</param>
/// <param name="Gen0">Generation 0 collections during the phase.</param>
/// <param name="Gen1">Generation 1 collections during the phase.</param>
/// <param name="Gen2">Generation 2 collections during the phase.</param>
/// <param name="AllocatedBytes">Managed bytes allocated by all threads during the phase.</param>
/// <param name="CpuTime">CPU time of this process (all threads, librdkafka's included) during the phase.</param>
public sealed record PhaseMeasurement(
    long Records,
    TimeSpan Elapsed,
    long PeakWorkingSetBytes,
    long PeakManagedHeapBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    long AllocatedBytes,
    TimeSpan CpuTime)
{
    /// <summary>Records per second of wall time.</summary>
    public double RecordsPerSecond => Elapsed > TimeSpan.Zero ? Records / Elapsed.TotalSeconds : 0;

    /// <summary>Managed bytes allocated per record.</summary>
    public double AllocatedBytesPerRecord => Records > 0 ? (double)AllocatedBytes / Records : 0;

    /// <summary>CPU microseconds of this process per record.</summary>
    public double CpuMicrosecondsPerRecord => Records > 0 ? CpuTime.TotalMicroseconds / Records : 0;
}
