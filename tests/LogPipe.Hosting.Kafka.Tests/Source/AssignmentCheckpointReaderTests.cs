using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.TestSupport;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Time.Testing;

namespace LogPipe.Hosting.Kafka.Tests.Source;

/// <summary>
/// The checkpoint read inside the assignment callback, on a fake clock: a failing store is waited out with a doubling
/// backoff, given up on after two minutes, and a stop ends the wait at once.
/// </summary>
public sealed class AssignmentCheckpointReaderTests : IDisposable
{
    private static readonly PartitionKey P0 = new("kafka", "people", "0");
    private static readonly PartitionKey P1 = new("kafka", "people", "1");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
    private readonly LogCapture _logs = new();
    private readonly ScriptedStore _store = new();

    [Fact]
    public async Task A_store_that_fails_is_read_again_after_a_doubling_backoff_on_the_clock_and_its_checkpoints_are_returned_once_it_answers()
    {
        _store.FailuresLeft = 3;
        _store.Answer = new Dictionary<PartitionKey, Checkpoint> { [P1] = new Checkpoint(42) };
        using var stopping = new CancellationTokenSource();
        var read = Task.Run(() => Reader().Read([P0, P1], stopping.Token));

        var delays = new List<long>();
        for (var failure = 1; failure <= 3; failure++)
        {
            var delay = await LoggedDelayAsync(failure);
            delays.Add(delay);
            _time.Advance(TimeSpan.FromMilliseconds(delay - 1));
            Assert.False(read.IsCompleted);
            Assert.Equal(failure, _store.Reads);
            _time.Advance(TimeSpan.FromMilliseconds(1));
            await Eventually.TrueAsync(() => _store.Reads == failure + 1 || read.IsCompleted, TimeSpan.FromSeconds(10), $"read {failure + 1} after the backoff");
        }

        var stored = await read;
        Assert.Equal([200L, 400L, 800L], delays);
        Assert.Equal(4, _store.Reads);
        Assert.Equal(new[] { P0, P1 }, _store.LastAsked);
        Assert.Equal(new Checkpoint(42), Assert.Single(stored).Value);
        Assert.DoesNotContain(_logs.Entries, e => e.EventId.Id is LogEvents.CheckpointWaitGaveUp or LogEvents.CheckpointWaitStopped);
    }

    [Fact]
    public async Task A_store_that_stays_down_past_the_patience_has_its_last_error_rethrown_and_the_wait_logged_as_given_up()
    {
        _store.FailuresLeft = int.MaxValue;
        using var stopping = new CancellationTokenSource();
        var read = Task.Run(() => Reader().Read([P0, P1], stopping.Token));

        var delays = new List<long>();
        for (var failure = 1; !read.IsCompleted; failure++)
        {
            var logged = await Task.WhenAny(LoggedDelayAsync(failure), read);
            if (logged != read)
            {
                var delay = await (Task<long>)logged;
                delays.Add(delay);
                _time.Advance(TimeSpan.FromMilliseconds(delay));
            }
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => read);
        Assert.Equal($"checkpoint store down (read {_store.Reads})", error.Message);
        // 200 ms doubling to the 5 s cap until two minutes have passed: 6 200 ms, then 23 waits of 5 s, 121 200 ms in all.
        Assert.Equal([200L, 400L, 800L, 1600L, 3200L, .. Enumerable.Repeat(5000L, 23)], delays);
        Assert.Equal(29, _store.Reads);
        var gaveUp = Assert.Single(_logs.Entries, e => e.EventId.Id == LogEvents.CheckpointWaitGaveUp);
        Assert.Equal(121_200L, gaveUp.State["WaitedMs"]);
        Assert.Equal("0,1", gaveUp.State["Partitions"]);
        Assert.Same(error, gaveUp.Exception);
    }

    [Fact]
    public async Task A_stop_during_the_backoff_ends_the_wait_at_once_without_moving_the_clock()
    {
        _store.FailuresLeft = int.MaxValue;
        using var stopping = new CancellationTokenSource();
        var read = Task.Run(() => Reader().Read([P0], stopping.Token));
        await LoggedDelayAsync(1);

        await stopping.CancelAsync();

        var stopped = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.Equal(stopping.Token, stopped.CancellationToken);
        Assert.Equal(1, _store.Reads);
        var logged = Assert.Single(_logs.Entries, e => e.EventId.Id == LogEvents.CheckpointWaitStopped);
        Assert.Equal("0", logged.State["Partitions"]);
    }

    [Fact]
    public async Task A_stop_while_the_store_has_not_answered_yet_ends_the_read_as_a_stop_not_as_a_failure()
    {
        _store.Hang = true;
        using var stopping = new CancellationTokenSource();
        var read = Task.Run(() => Reader().Read([P0], stopping.Token));
        await Eventually.TrueAsync(() => _store.Reads == 1, TimeSpan.FromSeconds(10), "the read started");

        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.Single(_logs.Entries, e => e.EventId.Id == LogEvents.CheckpointWaitStopped);
        Assert.DoesNotContain(_logs.Entries, e => e.EventId.Id is LogEvents.CheckpointReadFailed or LogEvents.CheckpointWaitGaveUp);
    }

    public void Dispose() => _logs.Dispose();

    private AssignmentCheckpointReader Reader() => new("people", _store, _time, _logs.CreateLogger<AssignmentCheckpointReaderTests>());

    /// <summary>Waits for the <paramref name="failure"/>th failed read's log entry (written once its backoff is armed) and returns its delay.</summary>
    private async Task<long> LoggedDelayAsync(int failure)
    {
        CapturedLog[] failures = [];
        await Eventually.TrueAsync(
            () => (failures = [.. _logs.Entries.Where(e => e.EventId.Id == LogEvents.CheckpointReadFailed)]).Length >= failure,
            TimeSpan.FromSeconds(10),
            $"failed read {failure} logged");
        return (long)failures[failure - 1].State["DelayMs"]!;
    }

    /// <summary>A store whose reads fail a given number of times, or never answer until cancelled.</summary>
    private sealed class ScriptedStore : ICheckpointStore
    {
        private int _reads;

        public int FailuresLeft { get; set; }

        public bool Hang { get; set; }

        public IReadOnlyDictionary<PartitionKey, Checkpoint> Answer { get; set; } = new Dictionary<PartitionKey, Checkpoint>();

        public int Reads => Volatile.Read(ref _reads);

        public IReadOnlyCollection<PartitionKey>? LastAsked { get; private set; }

        public async Task<IReadOnlyDictionary<PartitionKey, Checkpoint>> ReadAsync(IReadOnlyCollection<PartitionKey> partitions, CancellationToken cancellationToken)
        {
            LastAsked = partitions;
            var read = Interlocked.Increment(ref _reads);
            if (Hang) await Task.Delay(Timeout.Infinite, cancellationToken);
            if (FailuresLeft-- > 0) throw new InvalidOperationException($"checkpoint store down (read {read})");
            return Answer;
        }

        public Task<IUnitOfWork> BeginAsync(IServiceProvider services, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
