using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.TestSupport;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Tests.Consumers;

/// <summary>How sources read checkpoints while a unit commits on another thread.</summary>
public sealed class CommitOrderedCheckpointsTests
{
    private static readonly PartitionKey Partition = new("memory", "people", "0");

    private static InMemoryCheckpointStore Store() => new(Options.Create(new LogPipeOptions { ConsumerGroup = "tests" }));

    [Fact]
    public void The_stores_capabilities_reach_the_sources_unchanged()
    {
        // As the sources are given them: through the interface.
        ICheckpointStore plain = new CommitOrderedCheckpoints(Store());
        ICheckpointStore inTransport = new CommitOrderedCheckpoints(new PositionsInTransportStore());

        Assert.True(plain.SupportsOverlappedCommits);
        Assert.False(plain.KeepsPositionsInTransport);
        Assert.True(inTransport.KeepsPositionsInTransport);
        Assert.False(inTransport.SupportsOverlappedCommits);
    }

    [Fact]
    public async Task A_read_waits_for_the_commit_in_flight_and_sees_its_checkpoint()
    {
        var store = Store();
        var reads = new CommitOrderedCheckpoints(store);
        await reads.ReadAsync([Partition], CancellationToken.None);
        var work = await store.BeginAsync(EmptyServices.Instance, CancellationToken.None);
        var commitMayRun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var commit = Task.Run(async () =>
        {
            await commitMayRun.Task;
            await work.CommitAsync([new CheckpointUpdate(Partition, new Checkpoint(7))], CancellationToken.None);
        });
        var unit = reads.UnitStarted(reads.RevocationEpoch);
        _ = commit.ContinueWith(_ => unit.Release(), TaskScheduler.Default);

        // A partition assigned while the commit runs: its read must not see the checkpoint from before the commit.
        // The in-memory store answers synchronously: a read that did not wait for the commit would be complete already.
        var read = reads.ReadAsync([Partition], CancellationToken.None);
        Assert.False(read.IsCompleted);
        commitMayRun.SetResult();
        Assert.Equal(7, (await read)[Partition].NextOffset);

        // And the version it remembered is the commit's: the next write from this process is not fenced.
        var next = await store.BeginAsync(EmptyServices.Instance, CancellationToken.None);
        await next.CommitAsync([new CheckpointUpdate(Partition, new Checkpoint(9))], CancellationToken.None);
        Assert.Equal(9, store.Get(Partition)!.Value.NextOffset);
    }

    [Fact]
    public async Task A_released_unit_lets_the_read_go_on_and_a_cancelled_read_stops_waiting()
    {
        var store = Store();
        store.Set(Partition, new Checkpoint(3));
        var reads = new CommitOrderedCheckpoints(store);
        reads.UnitStarted(reads.RevocationEpoch).Release();
        Assert.Equal(3, (await reads.ReadAsync([Partition], CancellationToken.None))[Partition].NextOffset);

        reads.UnitStarted(reads.RevocationEpoch);
        using var cancel = new CancellationTokenSource();
        var waiting = reads.ReadAsync([Partition], cancel.Token);
        Assert.False(waiting.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task A_wait_covers_the_unit_in_flight_when_it_began_not_units_started_after_it()
    {
        var reads = new CommitOrderedCheckpoints(Store());
        Assert.True(reads.WaitForUnitAsync(CancellationToken.None).IsCompleted);

        var first = reads.UnitStarted(reads.RevocationEpoch);
        var waiting = reads.WaitForUnitAsync(CancellationToken.None);
        var second = reads.UnitStarted(reads.RevocationEpoch);
        Assert.False(waiting.IsCompleted);

        first.Release();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(reads.WaitForUnitAsync(CancellationToken.None).IsCompleted);
        second.Release();
        second.Release();
        Assert.True(reads.WaitForUnitAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task A_revocation_waits_for_the_unit_gathered_before_it_and_runs_before_any_later_unit_starts()
    {
        var reads = new CommitOrderedCheckpoints(Store());
        var before = reads.RevocationEpoch;
        var applying = reads.UnitStarted(before);
        var nextGatheredBefore = reads.RevocationEpoch;
        var revoked = 0;
        var waitedAfter = TimeSpan.MinValue;

        var revocation = Task.Factory.StartNew(
            () => reads.Revoke(() => Interlocked.Increment(ref revoked), TimeSpan.FromMinutes(1), applied => waitedAfter = applied, CancellationToken.None),
            TaskCreationOptions.LongRunning);
        await Eventually.TrueAsync(() => reads.RevocationEpoch > before, TimeSpan.FromSeconds(10), "the revocation began");
        await Eventually.TrueAsync(() => waitedAfter >= TimeSpan.Zero, TimeSpan.FromSeconds(10), "the revocation said it waits");
        Assert.Equal(0, Volatile.Read(ref revoked));

        // Released: the revocation runs before the next unit (gathered before it began) can start.
        applying.Release();
        Assert.True(await revocation.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, revoked);
        reads.UnitStarted(nextGatheredBefore).Release();

        // A unit gathered after a revocation began is not waited for.
        var later = reads.UnitStarted(reads.RevocationEpoch + 1);
        Assert.True(reads.Revoke(() => Interlocked.Increment(ref revoked), TimeSpan.FromMinutes(1), _ => throw new InvalidOperationException("did not have to wait"), CancellationToken.None));
        Assert.Equal(2, revoked);
        later.Release();
    }

    [Fact]
    public void A_unit_that_outlasts_the_patience_is_revoked_under_and_a_stop_ends_the_wait()
    {
        var reads = new CommitOrderedCheckpoints(Store());
        reads.UnitStarted(reads.RevocationEpoch);
        var revoked = 0;
        Assert.False(reads.Revoke(() => revoked++, TimeSpan.FromMilliseconds(1), _ => { }, CancellationToken.None));
        Assert.Equal(1, revoked);

        reads.UnitStarted(reads.RevocationEpoch);
        using var stopped = new CancellationTokenSource();
        stopped.Cancel();
        Assert.True(reads.Revoke(() => revoked++, TimeSpan.FromMinutes(1), _ => { }, stopped.Token));
        Assert.Equal(2, revoked);
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
