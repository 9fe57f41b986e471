using Confluent.Kafka;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace LogPipe.Hosting.Kafka.Tests.Source;

/// <summary>
/// A consumer's close that never returns (librdkafka can wait forever in rare states of the group protocol) must not stop
/// a service's shutdown: it is waited for at most the session timeout, then given up with event 2029.
/// </summary>
public sealed class KafkaConsumerCloseTests : IDisposable
{
    private readonly LogCapture _logs = new();
    private readonly FakeTimeProvider _time = new();
    private readonly ManualResetEventSlim _release = new();

    [Fact]
    public async Task A_close_that_does_not_return_is_given_up_after_the_wait_with_a_warning()
    {
        var closeThread = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var closing = KafkaConsumerClose.CloseAsync(
            () =>
            {
                closeThread.SetResult(Thread.CurrentThread.Name);
                _release.Wait();
            },
            TimeSpan.FromSeconds(10),
            _time,
            _logs.CreateLogger<KafkaConsumerCloseTests>(),
            "people");

        // The close runs on its own thread, named for thread dumps; until the wait is over, shutdown waits for it.
        Assert.Equal("logpipe-kafka-close", await closeThread.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(closing.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.False(await closing.WaitAsync(TimeSpan.FromSeconds(30)));
        var warning = Assert.Single(_logs.Entries, e => e.EventId.Id == LogEvents.ConsumerCloseGivenUp);
        Assert.Equal("people", warning.State["Topic"]);
        Assert.Equal(10_000L, warning.State["WaitMs"]);
    }

    [Fact]
    public async Task A_close_that_returns_in_time_is_reported_as_closed_without_a_warning()
    {
        var closing = KafkaConsumerClose.CloseAsync(() => _release.Wait(), TimeSpan.FromSeconds(10), _time, _logs.CreateLogger<KafkaConsumerCloseTests>(), "people");
        _time.Advance(TimeSpan.FromSeconds(9));
        _release.Set();

        Assert.True(await closing.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(_logs.Entries);
    }

    [Theory]
    [InlineData(null, 45_000)]
    [InlineData(2_000, 5_000)]
    [InlineData(30_000, 30_000)]
    public void The_wait_is_the_session_timeout_and_at_least_five_seconds(int? sessionTimeoutMs, int expectedMs)
    {
        var config = new ConsumerConfig { SessionTimeoutMs = sessionTimeoutMs };

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), KafkaConsumerClose.Wait(config));
    }

    public void Dispose()
    {
        _release.Set();
        _release.Dispose();
        _logs.Dispose();
    }
}
