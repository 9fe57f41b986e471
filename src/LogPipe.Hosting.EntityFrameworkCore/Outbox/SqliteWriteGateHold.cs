using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>A <see cref="SqliteWriteGate"/> taken by one write: released once, however many times it is asked to be.</summary>
internal sealed class SqliteWriteGateHold
{
    private SemaphoreSlim? _gate;

    private SqliteWriteGateHold(SemaphoreSlim gate) => _gate = gate;

    /// <summary>
    /// Takes the gate of <paramref name="context"/>'s database; null when it has none, or when it was not free within the
    /// context's command timeout (then the write goes on without it, and SQLite's busy timeout decides, as without a gate).
    /// </summary>
    public static async ValueTask<SqliteWriteGateHold?> EnterAsync(DbContext context, ILogger logger, bool async, CancellationToken cancellationToken)
    {
        if (SqliteWriteGate.For(context) is not var (gate, timeout)) return null;
        var entered = async
            ? await gate.WaitAsync(timeout, cancellationToken).ConfigureAwait(false)
            : gate.Wait(timeout, cancellationToken);
        if (entered) return new SqliteWriteGateHold(gate);
        OutboxWriterLog.WriteGateTimedOut(logger, (long)timeout.TotalMilliseconds);
        return null;
    }

    public void Release() => Interlocked.Exchange(ref _gate, null)?.Release();
}
