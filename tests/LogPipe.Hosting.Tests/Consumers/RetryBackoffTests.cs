using LogPipe.Hosting.Consumers;

namespace LogPipe.Hosting.Tests.Consumers;

/// <summary>The consumer's one backoff: doubling from the initial backoff, capped, jittered by at most a fifth either way.</summary>
public sealed class RetryBackoffTests
{
    private static readonly FailureOptions Failures = new() { InitialBackoff = TimeSpan.FromMilliseconds(200), MaxBackoff = TimeSpan.FromSeconds(30) };

    [Theory]
    [InlineData(1, 200)]
    [InlineData(2, 400)]
    [InlineData(3, 800)]
    [InlineData(8, 25_600)]
    public void Each_try_doubles_the_backoff_within_its_jitter(int tries, double expectedMs)
    {
        for (var sample = 0; sample < 200; sample++)
        {
            var backoff = RetryBackoff.Before(Failures, tries).TotalMilliseconds;
            Assert.InRange(backoff, expectedMs * 0.8, expectedMs * 1.2);
        }
    }

    [Theory]
    [InlineData(9)]
    [InlineData(RetryBackoff.MaxStreak)]
    [InlineData(int.MaxValue)]
    public void The_backoff_stops_growing_at_the_maximum(int tries)
    {
        for (var sample = 0; sample < 200; sample++)
        {
            Assert.InRange(RetryBackoff.Before(Failures, tries).TotalMilliseconds, 30_000 * 0.8, 30_000 * 1.2);
        }
    }

    [Fact]
    public void A_first_try_or_a_count_below_one_waits_the_initial_backoff()
    {
        Assert.InRange(RetryBackoff.Before(Failures, 0).TotalMilliseconds, 160, 240);
        Assert.InRange(RetryBackoff.Before(Failures, -5).TotalMilliseconds, 160, 240);
    }

    [Fact]
    public void Jitter_spreads_the_backoffs_of_one_try()
    {
        var drawn = Enumerable.Range(0, 50).Select(_ => RetryBackoff.Before(Failures, 3)).Distinct().Count();
        Assert.True(drawn > 1, "every backoff of one try was the same: instances retrying together would move in lockstep");
    }

    [Fact]
    public void Full_jitter_draws_anywhere_between_zero_and_the_capped_exponential_backoff()
    {
        var initial = TimeSpan.FromMilliseconds(100);
        var max = TimeSpan.FromSeconds(10);
        var draws = Enumerable.Range(0, 2000).Select(_ => RetryBackoff.Exponential(initial, max, 4, BackoffJitter.Full)).ToList();
        Assert.All(draws, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromMilliseconds(800)));
        Assert.Contains(draws, d => d < TimeSpan.FromMilliseconds(100));
        Assert.Contains(draws, d => d > TimeSpan.FromMilliseconds(700));
        Assert.All(Enumerable.Range(0, 200), _ => Assert.InRange(RetryBackoff.Exponential(initial, max, 40, BackoffJitter.Full), TimeSpan.Zero, max));
    }
}
