using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LogPipe.Cli.Tests.Support;

/// <summary>
/// Runs a piece of work once, right before the first statement that writes LogPipe's checkpoint table — after the
/// editor's read, before its write: a consumer commit that lands exactly in between, every time.
/// </summary>
public sealed class BeforeCheckpointWrite(Func<Task> work) : DbCommandInterceptor
{
    private int _ran;

    public bool Ran => _ran == 1;

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await RunOnceBeforeAsync(command);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await RunOnceBeforeAsync(command);
        return result;
    }

    private async Task RunOnceBeforeAsync(DbCommand command)
    {
        var text = command.CommandText.TrimStart();
        var writes = (text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase) || text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase))
            && text.Contains("LogPipeCheckpoints", StringComparison.Ordinal);
        if (writes && Interlocked.Exchange(ref _ran, 1) == 0) await work();
    }
}
