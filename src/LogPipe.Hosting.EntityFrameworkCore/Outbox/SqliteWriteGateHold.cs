using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>A <see cref="SqliteWriteGate"/> taken by one write: released once, however many times it is asked to be.</summary>
internal sealed class SqliteWriteGateHold
{
    private SemaphoreSlim? _gate;
    private SemaphoreSlim? _turn;

    private SqliteWriteGateHold(SemaphoreSlim gate, SemaphoreSlim? turn)
    {
        _gate = gate;
        _turn = turn;
    }

    /// <summary>
    /// Takes the gate of <paramref name="context"/>'s database; null when it has none, or when it was not free within the
    /// context's command timeout (then the write goes on without it, and SQLite's busy timeout decides, as without a gate).
    /// A save (<paramref name="save"/>) first waits for its turn among the saves; a relay statement does not, so it goes
    /// before every save still waiting.
    /// </summary>
    public static async ValueTask<SqliteWriteGateHold?> EnterAsync(DbContext context, ILogger logger, bool save, bool async, CancellationToken cancellationToken)
    {
        if (SqliteWriteGate.For(context) is not var (lanes, timeout)) return null;
        var started = Stopwatch.GetTimestamp();
        SemaphoreSlim? turn = null;
        if (save)
        {
            if (!await EnterAsync(lanes.Saves, timeout, async, cancellationToken).ConfigureAwait(false)) return TimedOut(logger, timeout);
            turn = lanes.Saves;
        }

        try
        {
            var left = timeout - Stopwatch.GetElapsedTime(started);
            if (left > TimeSpan.Zero && await EnterAsync(lanes.Gate, left, async, cancellationToken).ConfigureAwait(false)) return new SqliteWriteGateHold(lanes.Gate, turn);
        }
        catch
        {
            turn?.Release();
            throw;
        }

        turn?.Release();
        return TimedOut(logger, timeout);
    }

    public void Release()
    {
        Interlocked.Exchange(ref _gate, null)?.Release();
        Interlocked.Exchange(ref _turn, null)?.Release();
    }

    private static async ValueTask<bool> EnterAsync(SemaphoreSlim semaphore, TimeSpan timeout, bool async, CancellationToken cancellationToken) =>
        async ? await semaphore.WaitAsync(timeout, cancellationToken).ConfigureAwait(false) : semaphore.Wait(timeout, cancellationToken);

    private static SqliteWriteGateHold? TimedOut(ILogger logger, TimeSpan timeout)
    {
        OutboxWriterLog.WriteGateTimedOut(logger, (long)timeout.TotalMilliseconds);
        return null;
    }
}
