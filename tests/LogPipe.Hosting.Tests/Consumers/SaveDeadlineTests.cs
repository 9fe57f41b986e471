using LogPipe.Hosting.Consumers;
using Microsoft.Extensions.Time.Testing;

namespace LogPipe.Hosting.Tests.Consumers;

/// <summary>The per-record apply bound on the service's clock: cancelled at the bound, abandoned after the grace, re-armed for the next record.</summary>
public sealed class SaveDeadlineTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_save_that_returns_or_fails_at_once_passes_through_unchanged()
    {
        var deadline = new SaveDeadline(TimeSpan.FromSeconds(10), _time);
        Assert.Equal(1, await deadline.RunAsync(1, static (n, _) => Task.FromResult(n), CancellationToken.None));
        await Assert.ThrowsAsync<TimeoutException>(() => deadline.RunAsync(1, static (_, _) => Task.FromException<int>(new TimeoutException("the database's own")), CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => deadline.RunAsync<int, int>(1, static (_, _) => throw new InvalidOperationException("thrown before any await"), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task A_save_cancelled_at_the_bound_counts_as_a_timeout_and_the_deadline_is_re_armed_for_the_next_record()
    {
        var deadline = new SaveDeadline(TimeSpan.FromSeconds(10), _time);
        for (var record = 0; record < 3; record++)
        {
            var save = deadline.RunAsync(0, static async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return 0;
            }, CancellationToken.None).AsTask();
            _time.Advance(TimeSpan.FromSeconds(10));
            var timedOut = await Assert.ThrowsAsync<SaveTimeoutException>(() => save);
            Assert.False(timedOut.Abandoned);
            Assert.IsAssignableFrom<OperationCanceledException>(timedOut.InnerException);
        }
    }

    [Fact]
    public async Task A_save_that_ignores_its_token_is_abandoned_after_the_grace()
    {
        var deadline = new SaveDeadline(TimeSpan.FromSeconds(8), _time);
        Assert.Equal(TimeSpan.FromSeconds(2), deadline.Grace);
        var never = new TaskCompletionSource<int>();
        var save = deadline.RunAsync(never, static (n, _) => n.Task, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(save.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await Assert.ThrowsAsync<SaveTimeoutException>(() => save)).Abandoned);

        // The abandoned save's late failure is observed, and the next record gets a fresh bound.
        never.SetException(new ObjectDisposedException("TestDb"));
        Assert.Equal(7, await deadline.RunAsync(7, static (n, _) => Task.FromResult(n), CancellationToken.None));
    }

    [Fact]
    public async Task A_cancelled_loop_is_not_a_timeout()
    {
        var deadline = new SaveDeadline(TimeSpan.FromSeconds(10), _time);
        using var stop = new CancellationTokenSource();
        var save = deadline.RunAsync(0, static async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        }, stop.Token).AsTask();
        await stop.CancelAsync();
        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => save);
        Assert.IsNotType<SaveTimeoutException>(cancelled);
    }
}
