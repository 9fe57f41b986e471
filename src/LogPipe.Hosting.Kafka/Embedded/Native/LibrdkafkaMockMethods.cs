using System.Runtime.InteropServices;

namespace LogPipe.Hosting.Kafka.Embedded.Native;

/// <summary>
/// The librdkafka functions the embedded broker uses: a bare client handle and the mock cluster API
/// (<c>rdkafka.h</c> and <c>rdkafka_mock.h</c> in the librdkafka.redist package).
/// </summary>
/// <remarks>
/// <c>rd_kafka_resp_err_t</c> is returned as <see cref="int"/>; its values are those of
/// <see cref="Confluent.Kafka.ErrorCode"/>. The mock API is experimental in librdkafka: these signatures are
/// checked against the header of the librdkafka.redist version this project pins.
/// </remarks>
internal static unsafe partial class LibrdkafkaMockMethods
{
    /// <summary><c>RD_KAFKA_PRODUCER</c>: the bare handle only hosts the mock cluster.</summary>
    internal const int ProducerType = 0;

    /// <summary><c>RD_KAFKA_CONF_OK</c>.</summary>
    internal const int ConfOk = 0;

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_conf_new")]
    internal static partial nint ConfNew();

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_conf_destroy")]
    internal static partial void ConfDestroy(nint conf);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ConfSet(nint conf, string name, string value, byte* errorText, nuint errorTextSize);

    /// <summary>Takes ownership of <paramref name="conf"/> on success only.</summary>
    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_new")]
    internal static partial nint New(int type, nint conf, byte* errorText, nuint errorTextSize);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_destroy")]
    internal static partial void Destroy(nint client);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_cluster_new")]
    internal static partial nint MockClusterNew(nint client, int brokerCount);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    internal static partial void MockClusterDestroy(nint cluster);

    /// <summary>Returns a string the cluster owns: copy it, never free it.</summary>
    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    internal static partial nint MockClusterBootstraps(nint cluster);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MockTopicCreate(nint cluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_broker_set_down")]
    internal static partial int MockBrokerSetDown(nint cluster, int brokerId);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_broker_set_up")]
    internal static partial int MockBrokerSetUp(nint cluster, int brokerId);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_partition_set_leader", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MockPartitionSetLeader(nint cluster, string topic, int partition, int brokerId);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_partition_delete_records", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MockPartitionDeleteRecords(nint cluster, string topic, int partition, long beforeOffset);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_broker_set_rtt")]
    internal static partial int MockBrokerSetRtt(nint cluster, int brokerId, int rttMs);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    internal static partial void MockPushRequestErrorsArray(nint cluster, short apiKey, nuint count, int* errors);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_group_initial_rebalance_delay_ms")]
    internal static partial void MockGroupInitialRebalanceDelayMs(nint cluster, int delayMs);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_set_group_consumer_session_timeout_ms")]
    internal static partial void MockSetGroupConsumerSessionTimeoutMs(nint cluster, int sessionTimeoutMs);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_set_group_consumer_heartbeat_interval_ms")]
    internal static partial void MockSetGroupConsumerHeartbeatIntervalMs(nint cluster, int heartbeatIntervalMs);
}
