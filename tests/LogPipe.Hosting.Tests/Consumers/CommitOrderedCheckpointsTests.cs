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
        reads.CommitStarted(commit);

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
    public async Task A_failed_commit_lets_the_read_go_on_and_a_cancelled_read_stops_waiting()
    {
        var store = Store();
        store.Set(Partition, new Checkpoint(3));
        var reads = new CommitOrderedCheckpoints(store);
        reads.CommitStarted(Task.FromException(new InvalidOperationException("commit failed")));
        Assert.Equal(3, (await reads.ReadAsync([Partition], CancellationToken.None))[Partition].NextOffset);

        reads.CommitStarted(new TaskCompletionSource().Task);
        using var cancel = new CancellationTokenSource();
        var waiting = reads.ReadAsync([Partition], cancel.Token);
        Assert.False(waiting.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
