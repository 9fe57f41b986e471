using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Kinesis.Leases;
using Microsoft.Extensions.Time.Testing;

namespace LogPipe.Hosting.Kinesis.Tests.Leases;

/// <summary>The balancing plan and the counter-watching expiry, on fake clocks.</summary>
public sealed class ShardLeaseBalancerTests
{
    private static readonly KinesisLeaseOptions Options = new() { Duration = TimeSpan.FromSeconds(10), RenewInterval = TimeSpan.FromSeconds(3) };

    [Theory]
    [InlineData(2, new[] { 4, 4 })]
    [InlineData(3, new[] { 3, 3, 2 })]
    [InlineData(5, new[] { 2, 2, 2, 1, 1 })]
    public void Instances_joining_one_after_another_converge_to_an_even_split_stealing_at_most_one_lease_per_round(int instances, int[] split)
    {
        var leases = Enumerable.Range(0, 8).Select(i => Lease(i, owner: null)).ToList();
        var owners = Enumerable.Range(0, instances).Select(i => $"instance-{i}").ToList();
        for (var joined = 1; joined <= instances; joined++)
        {
            for (var round = 0; round < 20; round++)
            {
                foreach (var owner in owners.Take(joined))
                {
                    var plan = ShardLeaseBalancer.Plan(leases, owner, _ => false, Options);
                    Assert.True(plan.Count(t => t.Reason == LeaseTake.Stolen) <= Options.MaxStealsPerInterval);
                    foreach (var take in plan) leases[leases.FindIndex(l => l.Shard == take.Lease.Shard)] = take.Lease with { Owner = owner, Counter = take.Lease.Counter + 1 };
                }
            }
        }

        Assert.Equal(split, leases.GroupBy(l => l.Owner).Select(g => g.Count()).OrderDescending());
        foreach (var owner in owners) Assert.Empty(ShardLeaseBalancer.Plan(leases, owner, _ => false, Options));
    }

    [Fact]
    public void Free_and_expired_leases_are_taken_before_any_is_stolen_and_the_cap_is_kept()
    {
        var leases = new List<ShardLease> { Lease(0, null), Lease(1, "crashed"), Lease(2, "busy"), Lease(3, "busy"), Lease(4, "busy"), Lease(5, "busy") };
        var plan = ShardLeaseBalancer.Plan(leases, "me", l => l.Owner == "crashed", Options);
        Assert.Equal([(0, LeaseTake.Free), (1, LeaseTake.Expired), (5, LeaseTake.Stolen)], plan.Select(t => (int.Parse(t.Lease.Shard.Partition[^1..], System.Globalization.CultureInfo.InvariantCulture), t.Reason)));

        var capped = ShardLeaseBalancer.Plan(leases, "me", l => l.Owner == "crashed", new KinesisLeaseOptions { MaxLeasesPerInstance = 1 });
        Assert.Equal(LeaseTake.Free, Assert.Single(capped).Reason);
    }

    [Fact]
    public void A_lease_expires_only_when_its_counter_stops_moving_for_the_duration_on_the_watchers_own_clock()
    {
        // The watcher's wall clock is ten minutes ahead of the holder's; only its monotonic time counts.
        var watcherClock = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(10));
        var watch = new LeaseExpiryWatch(Options.Duration, watcherClock);
        var lease = Lease(0, "holder");
        watch.Observe([lease]);
        for (var renewal = 1; renewal <= 10; renewal++)
        {
            watcherClock.Advance(Options.RenewInterval);
            lease = lease with { Counter = lease.Counter + 1 };
            watch.Observe([lease]);
            Assert.False(watch.IsExpired(lease));
        }

        // The holder stops renewing.
        watcherClock.Advance(Options.Duration - TimeSpan.FromMilliseconds(1));
        watch.Observe([lease]);
        Assert.False(watch.IsExpired(lease));
        watcherClock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(watch.IsExpired(lease));
        Assert.False(watch.IsExpired(lease with { Owner = null }));
    }

    private static ShardLease Lease(int shard, string? owner) =>
        new(new PartitionKey("kinesis:us-east-1", "s", $"shardId-00000000000{shard}"), owner, Counter: 1, Epoch: 1, Finished: false);
}
