using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// Closing a consumer (it leaves the group; revocation callbacks run) on a thread of its own, waiting at most its session
/// timeout. librdkafka's close can wait forever in rare states of the group protocol (confluentinc/librdkafka#3740,
/// #4527; seen once here in many hundreds of runs against the development broker, after a broker outage), and a service's
/// shutdown must end. By the end of the session timeout the group has removed the member anyway, and every unit committed
/// so far keeps its checkpoints (in the database, or in the group with Kafka offsets): giving up loses nothing. A
/// consumer given up on must not be disposed (destroying it waits the same way); it is left to the end of the process.
/// </summary>
internal static class KafkaConsumerClose
{
    /// <summary>The shortest wait, whatever the session timeout.</summary>
    public static readonly TimeSpan MinWait = TimeSpan.FromSeconds(5);

    /// <summary>How long a consumer with <paramref name="config"/> may take to close: its session timeout (librdkafka's default 45 s), at least <see cref="MinWait"/>.</summary>
    public static TimeSpan Wait(ConsumerConfig config) =>
        TimeSpan.FromMilliseconds(Math.Max(config.SessionTimeoutMs ?? 45_000, MinWait.TotalMilliseconds));

    /// <summary>Runs <paramref name="close"/> on a dedicated thread and waits for it at most <paramref name="wait"/>.</summary>
    /// <returns>Whether it returned in time; when not, a warning (2029) says so.</returns>
    public static async Task<bool> CloseAsync(Action close, TimeSpan wait, TimeProvider time, ILogger logger, string topic)
    {
        var closing = Task.Factory.StartNew(
            () =>
            {
                // Named for thread dumps, where a close that never returns shows up.
                Thread.CurrentThread.Name = "logpipe-kafka-close";
                close();
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        try
        {
            await closing.WaitAsync(wait, time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            KafkaLog.CloseGivenUp(logger, topic, (long)wait.TotalMilliseconds);
            return false;
        }
    }
}
