using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LogPipe.Hosting.TestSupport;

/// <summary>
/// Makes transaction commits fail while <see cref="Probe.FailCommits"/> is positive, and commits that landed report a lost
/// connection while <see cref="Probe.LoseCommitAnswers"/> is positive, counting them down; delays every commit by
/// <see cref="Probe.CommitDelayMs"/>.
/// </summary>
public sealed class CommitFailures(Probe probe) : DbTransactionInterceptor
{
    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        if (Volatile.Read(ref probe.CommitDelayMs) is var delay and > 0) Thread.Sleep(delay);
        FailIfAsked();
        return result;
    }

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref probe.CommitDelayMs) is var delay and > 0) await Task.Delay(delay, cancellationToken);
        FailIfAsked();
        return result;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => LoseAnswerIfAsked();

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        LoseAnswerIfAsked();
        return Task.CompletedTask;
    }

    private void LoseAnswerIfAsked()
    {
        if (Volatile.Read(ref probe.LoseCommitAnswers) > 0 && Interlocked.Decrement(ref probe.LoseCommitAnswers) >= 0)
        {
            // The commit is durable, but the caller cannot know: as when the connection drops while COMMIT's answer travels.
            throw new TimeoutException("simulated loss of the connection after COMMIT reached the server");
        }
    }

    private void FailIfAsked()
    {
        if (Volatile.Read(ref probe.FailCommits) > 0 && Interlocked.Decrement(ref probe.FailCommits) >= 0)
        {
            throw new InvalidOperationException("simulated failure at commit");
        }
    }
}
