using LogPipe.Hosting.Kinesis.Client.Transport;

namespace LogPipe.Hosting.Kinesis.Reading;

/// <summary>
/// Spaces one shard's GetRecords calls: never closer than <see cref="KinesisOptions.PollInterval"/> (Kinesis allows 5
/// calls per second per shard), doubling the gap while the shard answers empty up to
/// <see cref="KinesisOptions.IdlePollInterval"/>, and backing off further after throttling or failures.
/// </summary>
internal sealed class GetRecordsPacer
{
    private readonly TimeSpan _minimum;
    private readonly TimeSpan _idleMaximum;
    private readonly RetryBackoff _backoff;
    private readonly TimeProvider _time;
    private long _lastCallStarted;
    private bool _called;
    private TimeSpan _gap;
    private int _idleCalls;
    private int _failures;

    public GetRecordsPacer(KinesisOptions options, TimeProvider time)
    {
        _minimum = options.PollInterval;
        _idleMaximum = options.IdlePollInterval;
        _backoff = options.CreateBackoff();
        _time = time;
        _gap = _minimum;
    }

    /// <summary>The wait between the start of the last call and the next one.</summary>
    public TimeSpan Gap => _gap;

    /// <summary>Waits until the next call may start, then counts it as started.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (_called)
        {
            var wait = _gap - _time.GetElapsedTime(_lastCallStarted);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }

        _called = true;
        _lastCallStarted = _time.GetTimestamp();
    }

    /// <summary>A call answered; <paramref name="gotRecords"/> says whether the shard had anything.</summary>
    public void Answered(bool gotRecords)
    {
        _failures = 0;
        _idleCalls = gotRecords ? 0 : Math.Min(_idleCalls + 1, 16);
        var idle = _minimum * Math.Pow(2, _idleCalls);
        _gap = idle < _idleMaximum ? idle : (_idleMaximum > _minimum ? _idleMaximum : _minimum);
    }

    /// <summary>A call was throttled or failed: the next one waits a jittered, growing backoff (never less than the minimum gap).</summary>
    /// <returns>The new gap.</returns>
    public TimeSpan Failed()
    {
        _failures++;
        var backoff = _backoff.Before(_failures);
        _gap = backoff > _minimum ? backoff : _minimum;
        return _gap;
    }
}
