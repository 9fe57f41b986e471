using System.Runtime.InteropServices;
using Confluent.Kafka;
using LogPipe.Hosting.Kafka.Embedded.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogPipe.Hosting.Kafka.Embedded;

/// <summary>
/// A Kafka cluster for development and tests, hosted in this process by librdkafka's mock cluster: a real
/// Kafka-protocol TCP server on 127.0.0.1 that Confluent.Kafka clients, other processes and tools such as
/// kcat connect to like any broker.
/// </summary>
/// <remarks>
/// <para>
/// <b>Never for production.</b> Data lives in memory only and is gone when the cluster is disposed; each
/// partition keeps at most 5 MiB or 100,000 record batches and evicts older data; records of aborted
/// transactions are not filtered out for <c>read_committed</c> consumers.
/// </para>
/// <para>
/// Topics: create them with <see cref="CreateTopic(string, int, int)"/>; <c>AdminClient.CreateTopics</c>
/// times out against this broker. Consumers should set <c>session.timeout.ms</c> to about 2000 (each
/// rebalance waits <c>session.timeout.ms − 1000</c> ms) and <c>fetch.queue.backoff.ms</c> to about 10.
/// </para>
/// </remarks>
public sealed class EmbeddedKafkaCluster : IDisposable, IAsyncDisposable
{

    private readonly MockClusterHandle _handle;
    private readonly ILogger _logger;
    private readonly int _defaultPartitionCount;
    private int _disposed;

    private EmbeddedKafkaCluster(MockClusterHandle handle, string bootstrapServers, EmbeddedKafkaClusterOptions options, ILogger logger)
    {
        _handle = handle;
        _logger = logger;
        _defaultPartitionCount = options.DefaultPartitionCount;
        BootstrapServers = bootstrapServers;
        BrokerCount = options.BrokerCount;
    }

    /// <summary>The brokers' addresses, comma-separated, for a client's <c>bootstrap.servers</c>; always 127.0.0.1.</summary>
    public string BootstrapServers { get; }

    /// <summary>Number of brokers; their ids run from 1 to this number.</summary>
    public int BrokerCount { get; }

    /// <summary>The replication factor used when none is given: the smaller of 3 and <see cref="BrokerCount"/>.</summary>
    public int DefaultReplicationFactor => Math.Min(3, BrokerCount);

    /// <summary>Starts a cluster without logging.</summary>
    /// <param name="options">Broker count, topics to create and group settings.</param>
    /// <returns>The running cluster; dispose it to stop it.</returns>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="KafkaException">librdkafka could not start the cluster or create a topic.</exception>
    /// <exception cref="DllNotFoundException">No loaded librdkafka has the mock cluster API.</exception>
    public static EmbeddedKafkaCluster Start(EmbeddedKafkaClusterOptions options) => Start(options, logger: null);

    /// <summary>Starts a cluster and logs a warning that it is a development broker.</summary>
    /// <param name="options">Broker count, topics to create and group settings.</param>
    /// <param name="logger">Receives the start warning and a line per fault injected; <see langword="null"/> for none.</param>
    /// <returns>The running cluster; dispose it to stop it.</returns>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="KafkaException">librdkafka could not start the cluster or create a topic.</exception>
    /// <exception cref="DllNotFoundException">No loaded librdkafka has the mock cluster API.</exception>
    public static EmbeddedKafkaCluster Start(EmbeddedKafkaClusterOptions options, ILogger? logger)
    {
        EmbeddedKafkaClusterChecks.Options(options);

        var handle = MockClusterHandle.Create(options.BrokerCount);
        try
        {
            var cluster = handle.DangerousGetHandle();
            var bootstrapServers = Marshal.PtrToStringUTF8(LibrdkafkaMockMethods.MockClusterBootstraps(cluster)) ?? string.Empty;
            EmbeddedKafkaClusterChecks.LoopbackOnly(bootstrapServers);

            LibrdkafkaMockMethods.MockGroupInitialRebalanceDelayMs(cluster, Milliseconds(options.GroupInitialRebalanceDelay));
            if (options.ConsumerGroupSessionTimeout is { } sessionTimeout)
            {
                LibrdkafkaMockMethods.MockSetGroupConsumerSessionTimeoutMs(cluster, Milliseconds(sessionTimeout));
            }

            if (options.ConsumerGroupHeartbeatInterval is { } heartbeatInterval)
            {
                LibrdkafkaMockMethods.MockSetGroupConsumerHeartbeatIntervalMs(cluster, Milliseconds(heartbeatInterval));
            }

            var result = new EmbeddedKafkaCluster(handle, bootstrapServers, options, logger ?? NullLogger.Instance);
            EmbeddedKafkaClusterLog.Started(result._logger, bootstrapServers, options.BrokerCount);
            foreach (var (topic, partitions) in options.Topics)
            {
                result.CreateTopic(topic, partitions == 0 ? options.DefaultPartitionCount : partitions);
            }

            return result;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Creates a topic with <see cref="EmbeddedKafkaClusterOptions.DefaultPartitionCount"/> partitions.</summary>
    /// <param name="topic">Topic name: 1–249 of <c>a-z A-Z 0-9 . _ -</c>.</param>
    /// <exception cref="KafkaException">The topic exists already (<see cref="ErrorCode.TopicAlreadyExists"/>).</exception>
    public void CreateTopic(string topic) => CreateTopic(topic, _defaultPartitionCount, DefaultReplicationFactor);

    /// <summary>Creates a topic with the <see cref="DefaultReplicationFactor"/>.</summary>
    /// <param name="topic">Topic name: 1–249 of <c>a-z A-Z 0-9 . _ -</c>.</param>
    /// <param name="partitions">Partition count, at least 1.</param>
    /// <exception cref="KafkaException">The topic exists already (<see cref="ErrorCode.TopicAlreadyExists"/>).</exception>
    public void CreateTopic(string topic, int partitions) => CreateTopic(topic, partitions, DefaultReplicationFactor);

    /// <summary>Creates a topic through the mock cluster API (the broker does not serve CreateTopics requests in time).</summary>
    /// <param name="topic">Topic name: 1–249 of <c>a-z A-Z 0-9 . _ -</c>.</param>
    /// <param name="partitions">Partition count, at least 1.</param>
    /// <param name="replicationFactor">Replicas per partition, 1 to <see cref="BrokerCount"/>.</param>
    /// <exception cref="ArgumentException">The name or a count is invalid.</exception>
    /// <exception cref="KafkaException">The topic exists already (<see cref="ErrorCode.TopicAlreadyExists"/>).</exception>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public void CreateTopic(string topic, int partitions, int replicationFactor)
    {
        EmbeddedKafkaClusterChecks.TopicName(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, BrokerCount);

        ThrowIfError(Call(cluster => LibrdkafkaMockMethods.MockTopicCreate(cluster, topic, partitions, replicationFactor)), $"create topic '{topic}'");
        EmbeddedKafkaClusterLog.TopicCreated(_logger, topic, partitions, replicationFactor);
    }

    /// <summary>
    /// Takes a broker down: its connections close and it accepts no new ones. Its partitions keep it as
    /// leader (no failover), so clients retry until <see cref="SetBrokerUp"/> or until they time out.
    /// </summary>
    /// <param name="brokerId">1 to <see cref="BrokerCount"/>.</param>
    /// <exception cref="KafkaException">No such broker.</exception>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public void SetBrokerDown(int brokerId)
    {
        ThrowIfError(Call(cluster => LibrdkafkaMockMethods.MockBrokerSetDown(cluster, brokerId)), $"set broker {brokerId} down");
        EmbeddedKafkaClusterLog.BrokerDown(_logger, brokerId);
    }

    /// <summary>Brings a broker taken down by <see cref="SetBrokerDown"/> back; clients reconnect on their own.</summary>
    /// <param name="brokerId">1 to <see cref="BrokerCount"/>.</param>
    /// <exception cref="KafkaException">No such broker.</exception>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public void SetBrokerUp(int brokerId)
    {
        ThrowIfError(Call(cluster => LibrdkafkaMockMethods.MockBrokerSetUp(cluster, brokerId)), $"set broker {brokerId} up");
        EmbeddedKafkaClusterLog.BrokerUp(_logger, brokerId);
    }

    /// <summary>
    /// Moves a partition's leadership to another broker. Clients that still send to the old leader get
    /// <c>NOT_LEADER_OR_FOLLOWER</c>, refresh their metadata and carry on.
    /// </summary>
    /// <param name="topic">An existing topic.</param>
    /// <param name="partition">An existing partition of <paramref name="topic"/>.</param>
    /// <param name="brokerId">The new leader, 1 to <see cref="BrokerCount"/>.</param>
    /// <exception cref="KafkaException">No such topic or partition.</exception>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public void SetPartitionLeader(string topic, int partition, int brokerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ThrowIfError(
            Call(cluster => LibrdkafkaMockMethods.MockPartitionSetLeader(cluster, topic, partition, brokerId)),
            $"move leader of '{topic}' [{partition}] to broker {brokerId}");
        EmbeddedKafkaClusterLog.LeaderMoved(_logger, topic, partition, brokerId);
    }

    /// <summary>
    /// Deletes a partition's records before <paramref name="beforeOffset"/>, as retention does on a real cluster: the
    /// partition's log start (low watermark) becomes <paramref name="beforeOffset"/>.
    /// </summary>
    /// <param name="topic">An existing topic.</param>
    /// <param name="partition">An existing partition of <paramref name="topic"/>.</param>
    /// <param name="beforeOffset">The new log start; at most the partition's end offset.</param>
    /// <exception cref="KafkaException">No such topic or partition, or the offset is beyond the partition's end.</exception>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public void DeleteRecords(string topic, int partition, long beforeOffset)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ThrowIfError(
            Call(cluster => LibrdkafkaMockMethods.MockPartitionDeleteRecords(cluster, topic, partition, beforeOffset)),
            $"delete the records of '{topic}' [{partition}] before offset {beforeOffset}");
        EmbeddedKafkaClusterLog.RecordsDeleted(_logger, topic, partition, beforeOffset);
    }

    /// <summary>
    /// Delays every response of a broker by <paramref name="roundTripTime"/> (zero restores it): requests reach the
    /// broker and are applied, but their answers come late, as over a congested network.
    /// </summary>
    /// <param name="brokerId">1 to <see cref="BrokerCount"/>.</param>
    /// <param name="roundTripTime">The delay, zero or more.</param>
    /// <exception cref="KafkaException">No such broker.</exception>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public void SetBrokerRoundTripTime(int brokerId, TimeSpan roundTripTime)
    {
        if (roundTripTime < TimeSpan.Zero || roundTripTime.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(roundTripTime), roundTripTime, "Must be between zero and int.MaxValue milliseconds.");
        }

        ThrowIfError(
            Call(cluster => LibrdkafkaMockMethods.MockBrokerSetRtt(cluster, brokerId, Milliseconds(roundTripTime))),
            $"set the round-trip time of broker {brokerId}");
        EmbeddedKafkaClusterLog.RoundTripTimeSet(_logger, brokerId, Milliseconds(roundTripTime));
    }

    /// <summary>
    /// Makes the next requests of one type fail, in order, with the given errors, whichever broker receives
    /// them (<c>rd_kafka_mock_push_request_errors_array</c>). <see cref="ErrorCode.NoError"/> lets one through.
    /// </summary>
    /// <param name="apiKey">The request type to fail.</param>
    /// <param name="errors">One error per request, applied first to last.</param>
    /// <exception cref="ArgumentException"><paramref name="errors"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public void PushRequestErrors(KafkaApiKey apiKey, params ReadOnlySpan<ErrorCode> errors)
    {
        if (errors.IsEmpty)
        {
            throw new ArgumentException("Give at least one error.", nameof(errors));
        }

        var pushed = errors.ToArray();
        Call(cluster => PushErrors(cluster, apiKey, pushed));
        EmbeddedKafkaClusterLog.RequestErrorsPushed(_logger, pushed.Length, apiKey, pushed);
    }

    /// <summary>Stops the brokers, closing every client connection, and frees the cluster. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _handle.Dispose();
        EmbeddedKafkaClusterLog.Stopped(_logger, BootstrapServers);
    }

    /// <summary>Same as <see cref="Dispose"/>; stopping is quick and synchronous.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static unsafe int PushErrors(nint cluster, KafkaApiKey apiKey, ErrorCode[] errors)
    {
        // ErrorCode is an int enum with librdkafka's rd_kafka_resp_err_t values, so the array is the C array.
        fixed (ErrorCode* first = errors)
        {
            LibrdkafkaMockMethods.MockPushRequestErrorsArray(cluster, (short)apiKey, (nuint)errors.Length, (int*)first);
        }

        return 0;
    }

    /// <summary>Runs a native call while holding a reference, so a concurrent Dispose cannot free the cluster under it.</summary>
    private int Call(Func<nint, int> call)
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            return call(_handle.DangerousGetHandle());
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    private static void ThrowIfError(int error, string what)
    {
        if (error != 0)
        {
            var code = (ErrorCode)error;
            throw new KafkaException(new Error(code, $"Embedded Kafka could not {what}: {code}"));
        }
    }

    private static int Milliseconds(TimeSpan value) => (int)value.TotalMilliseconds;
}
