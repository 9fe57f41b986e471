using System.Data.Common;
using System.Net.Sockets;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Tells failures of the infrastructure (database connection lost, timeouts) from failures of one record. Transient ones
/// never count toward a record's retry budget: the whole unit of work is retried after a pause.
/// </summary>
internal static class TransientErrors
{
    /// <summary>Whether <paramref name="exception"/> or any exception inside it is a transient infrastructure failure.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns><see langword="true"/> for transient database errors, timeouts and socket failures.</returns>
    public static bool IsTransient(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DbException { IsTransient: true }:
                case TimeoutException:
                case SocketException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsTransient):
                    return true;
            }
        }

        return false;
    }
}
