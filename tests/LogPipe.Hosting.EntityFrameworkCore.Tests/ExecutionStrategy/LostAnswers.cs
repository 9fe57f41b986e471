using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.ExecutionStrategy;

/// <summary>
/// Lets the next <see cref="Remaining"/> writes of LogPipe's checkpoint table run on the server, then throws a transient
/// error, as when the connection drops while the answer travels back: a retrying strategy runs the statement again.
/// </summary>
public sealed class LostAnswers : DbCommandInterceptor
{
    /// <summary>How many more writes lose their answer.</summary>
    public int Remaining;

    /// <inheritdoc />
    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        LoseIfAsked(command);
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc />
    public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (IsCheckpointWrite(command) && Volatile.Read(ref Remaining) > 0)
        {
            await result.DisposeAsync();
            LoseIfAsked(command);
        }

        return result;
    }

    private static bool IsCheckpointWrite(DbCommand command) =>
        command.CommandText.Contains("LogPipeCheckpoints", StringComparison.Ordinal)
        && (command.CommandText.Contains("UPDATE", StringComparison.Ordinal) || command.CommandText.Contains("INSERT", StringComparison.Ordinal));

    private void LoseIfAsked(DbCommand command)
    {
        if (IsCheckpointWrite(command) && Volatile.Read(ref Remaining) > 0 && Interlocked.Decrement(ref Remaining) >= 0)
        {
            throw new TimeoutException("simulated loss of the connection after the statement ran on the server");
        }
    }
}
