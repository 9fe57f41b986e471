using LogPipe.Hosting.Internal;

namespace LogPipe.Hosting.Tests.Internal;

/// <summary>How a unit's decoding (and a batch's encoding) is shared between the calling thread and a pool thread.</summary>
public sealed class TwoThreadsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(500)]
    [InlineData(10_001)]
    public async Task Every_item_is_done_exactly_once(int count)
    {
        var done = new int[count];
        await TwoThreads.RunAsync(count, 64, (from, to) =>
        {
            for (var i = from; i < to; i++) Interlocked.Increment(ref done[i]);
        });
        Assert.All(done, d => Assert.Equal(1, d));
    }

    [Fact]
    public async Task The_caller_does_not_wait_for_a_helper_that_cannot_start_and_a_late_helper_takes_nothing()
    {
        // The pool's other thread is busy (a commit blocked in fsync): the helper is queued but does not run.
        var late = new HeldScheduler();
        var callers = new HashSet<int>();
        var caller = Environment.CurrentManagedThreadId;
        var done = new int[500];
        var run = TwoThreads.RunAsync(done.Length, 64, (from, to) =>
        {
            lock (callers) callers.Add(Environment.CurrentManagedThreadId);
            for (var i = from; i < to; i++) Interlocked.Increment(ref done[i]);
        }, late);

        Assert.True(run.IsCompletedSuccessfully);
        await run;
        Assert.All(done, d => Assert.Equal(1, d));
        Assert.Equal([caller], callers);

        // When the helper finally runs, everything is taken: it touches nothing.
        late.RunHeld();
        Assert.All(done, d => Assert.Equal(1, d));
    }

    [Fact]
    public async Task The_earliest_failing_range_is_reported_and_every_other_item_is_still_done()
    {
        var done = new int[300];
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => TwoThreads.RunAsync(done.Length, 64, (from, to) =>
        {
            for (var i = from; i < to; i++)
            {
                if (i is 40 or 250) throw new InvalidOperationException($"item {i}");
                Interlocked.Increment(ref done[i]);
            }
        }));

        Assert.Equal("item 40", failure.Message);
        var chunkOf40 = 40 / TwoThreads.Chunk * TwoThreads.Chunk;
        var chunkOf250 = 250 / TwoThreads.Chunk * TwoThreads.Chunk;
        for (var i = 0; i < done.Length; i++)
        {
            var skipped = (i >= 40 && i < chunkOf40 + TwoThreads.Chunk) || (i >= 250 && i < chunkOf250 + TwoThreads.Chunk);
            Assert.Equal(skipped ? 0 : 1, done[i]);
        }
    }

    /// <summary>Holds queued tasks until told to run them.</summary>
    private sealed class HeldScheduler : TaskScheduler
    {
        private readonly List<Task> _held = [];

        public void RunHeld()
        {
            foreach (var task in _held) TryExecuteTask(task);
            _held.Clear();
        }

        protected override IEnumerable<Task> GetScheduledTasks() => _held;

        protected override void QueueTask(Task task) => _held.Add(task);

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;
    }
}
