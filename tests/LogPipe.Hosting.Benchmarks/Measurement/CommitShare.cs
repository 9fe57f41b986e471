using System.Diagnostics.Metrics;
using System.Globalization;

namespace LogPipe.Hosting.Benchmarks.Measurement;

/// <summary>
/// Listens to LogPipe's unit-of-work histograms during a consumer phase (<c>logpipe.unit_of_work.duration</c> and
/// <c>logpipe.unit_of_work.commit.duration</c>, once per committed unit, so nothing is added per record): how long the
/// units' commits took against the units' whole time, which says whether the phase waited for its database.
/// </summary>
public sealed class CommitShare : IDisposable
{
    private const string UnitDuration = "logpipe.unit_of_work.duration";
    private const string CommitDuration = "logpipe.unit_of_work.commit.duration";
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private long _units;
    private long _commits;
    private double _unitSeconds;
    private double _commitSeconds;

    /// <summary>Starts listening to the histograms of <paramref name="meters"/> (each app's LogPipe meter).</summary>
    public CommitShare(IEnumerable<Meter> meters)
    {
        var listened = meters.ToHashSet();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (listened.Contains(instrument.Meter) && instrument.Name is UnitDuration or CommitDuration) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((instrument, seconds, _, _) =>
        {
            lock (_gate)
            {
                if (instrument.Name == CommitDuration)
                {
                    _commits++;
                    _commitSeconds += seconds;
                }
                else
                {
                    _units++;
                    _unitSeconds += seconds;
                }
            }
        });
        _listener.Start();
    }

    /// <summary>
    /// <c>commit 2.8 ms a unit, 78 % of a unit's time</c>, or <see langword="null"/> when no unit committed (or the
    /// metrics are off).
    /// </summary>
    public string? Describe()
    {
        lock (_gate)
        {
            if (_commits == 0 || _units == 0 || _unitSeconds <= 0) return null;
            return string.Create(CultureInfo.InvariantCulture, $"commit {_commitSeconds / _commits * 1000:0.0} ms a unit, {100 * _commitSeconds / _unitSeconds:0} % of a unit's time");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}
