using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LogPipe.Hosting.TestSupport;

/// <summary>Makes transaction commits fail while <see cref="Probe.FailCommits"/> is positive, counting it down.</summary>
public sealed class CommitFailures(Probe probe) : DbTransactionInterceptor
{
    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        FailIfAsked();
        return result;
    }

    public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        FailIfAsked();
        return ValueTask.FromResult(result);
    }

    private void FailIfAsked()
    {
        if (Volatile.Read(ref probe.FailCommits) > 0 && Interlocked.Decrement(ref probe.FailCommits) >= 0)
        {
            throw new InvalidOperationException("simulated failure at commit");
        }
    }
}
