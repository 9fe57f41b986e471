using Confluent.Kafka;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Kafka.Tests.Source;

/// <summary>
/// Group commits a broker refused, owed per partition and made in the partition's revocation (events 2027 and 2028):
/// which refusals are retried and which end the attempts at once. The transport tests (KafkaRebalanceTests) show the
/// whole hand-over on the development broker, which refuses every commit while a rebalance is in progress.
/// </summary>
public sealed class OwedGroupCommitsTests : IDisposable
{
    private readonly LogCapture _logs = new();
    private readonly List<string> _attempts = [];

    [Fact]
    public void A_commit_refused_while_a_rebalance_is_in_progress_is_made_again_in_the_revocation_once_the_refusal_clears()
    {
        var owed = Owed();
        owed.Failed([At(0, 10), At(1, 20), At(2, 30)]);

        owed.MakeBeforeHandover(Commit(ErrorCode.RebalanceInProgress, ErrorCode.RebalanceInProgress), [0, 2], CancellationToken.None);

        Assert.Equal(["0@10,2@30", "0@10,2@30", "0@10,2@30"], _attempts);
        var made = Assert.Single(_logs.Entries, e => e.EventId.Id == LogEvents.OwedGroupCommitMade);
        Assert.Equal("0,2", made.State["Partitions"]);
        Assert.Equal(3, made.State["Attempts"]);

        // Once made, nothing of those partitions is owed: a second revocation commits nothing.
        owed.MakeBeforeHandover(Commit(), [0, 2], CancellationToken.None);
        Assert.Equal(3, _attempts.Count);
    }

    [Theory]
    [InlineData(ErrorCode.IllegalGeneration)]
    [InlineData(ErrorCode.UnknownMemberId)]
    public void A_refusal_that_cannot_clear_ends_the_attempts_at_once_and_names_the_partitions_applied_again(ErrorCode refusal)
    {
        var owed = Owed();
        owed.Failed([At(4, 7)]);

        owed.MakeBeforeHandover(Commit(refusal, ErrorCode.NoError), [4, 5], CancellationToken.None);

        Assert.Equal(["4@7"], _attempts);
        var failed = Assert.Single(_logs.Entries, e => e.EventId.Id == LogEvents.OwedGroupCommitFailed);
        Assert.Equal("4", failed.State["Partitions"]);
        Assert.DoesNotContain(_logs.Entries, e => e.EventId.Id == LogEvents.OwedGroupCommitMade);
    }

    [Fact]
    public void Nothing_is_committed_in_a_revocation_when_a_later_unit_made_the_commit_or_the_partition_was_forgotten()
    {
        var owed = Owed();
        owed.Failed([At(0, 10), At(1, 20)]);
        owed.Made([At(0, 15)]);
        owed.Forget([1]);

        owed.MakeBeforeHandover(Commit(), [0, 1], CancellationToken.None);

        Assert.Empty(_attempts);
        Assert.Empty(_logs.Entries);
    }

    [Fact]
    public void A_stopping_service_gives_up_at_the_next_refusal()
    {
        var owed = Owed();
        owed.Failed([At(3, 1)]);
        using var stopping = new CancellationTokenSource();
        stopping.Cancel();

        owed.MakeBeforeHandover(Commit(ErrorCode.RebalanceInProgress, ErrorCode.NoError), [3], stopping.Token);

        Assert.Single(_attempts);
        Assert.Single(_logs.Entries, e => e.EventId.Id == LogEvents.OwedGroupCommitFailed);
    }

    public void Dispose() => _logs.Dispose();

    private static TopicPartitionOffset At(int partition, long offset) => new("people", partition, offset);

    private OwedGroupCommits Owed() => new("people", new SecretRedactor([]), _logs.CreateLogger<OwedGroupCommitsTests>());

    /// <summary>A commit that records each attempt and fails with <paramref name="refusals"/> in turn, then succeeds.</summary>
    private Action<List<TopicPartitionOffset>> Commit(params ErrorCode[] refusals) => offsets =>
    {
        _attempts.Add(string.Join(",", offsets.Select(o => $"{o.Partition.Value}@{o.Offset.Value}")));
        if (_attempts.Count <= refusals.Length && refusals[_attempts.Count - 1] != ErrorCode.NoError)
        {
            throw new KafkaException(refusals[_attempts.Count - 1]);
        }
    };
}
