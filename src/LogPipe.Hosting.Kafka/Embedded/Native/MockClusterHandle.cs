using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace LogPipe.Hosting.Kafka.Embedded.Native;

/// <summary>
/// Owns a librdkafka mock cluster and the bare client handle it lives on, and releases them in the one
/// safe order: the cluster first, then the client that does its book-keeping.
/// </summary>
/// <remarks>
/// A <see cref="SafeHandle"/> makes release exactly-once, survives a missed Dispose (finalizer), and
/// lets every call hold a reference so that a concurrent Dispose waits instead of freeing under it.
/// </remarks>
internal sealed class MockClusterHandle : SafeHandle
{
    private const int ErrorTextSize = 512;

    private nint _client;

    /// <summary>Used by <see cref="Create"/>; an instance starts invalid.</summary>
    internal MockClusterHandle()
        : base(0, ownsHandle: true)
    {
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0;

    /// <summary>Creates a bare producer handle and a mock cluster of <paramref name="brokerCount"/> brokers on it.</summary>
    /// <exception cref="KafkaException">librdkafka refused the configuration or could not start the cluster.</exception>
    internal static MockClusterHandle Create(int brokerCount)
    {
        LibrdkafkaLibrary.EnsureResolver();

        var result = new MockClusterHandle();
        result._client = NewBareClient();

        var cluster = LibrdkafkaMockMethods.MockClusterNew(result._client, brokerCount);
        if (cluster == 0)
        {
            LibrdkafkaMockMethods.Destroy(result._client);
            result._client = 0;
            result.SetHandleAsInvalid();
            throw new KafkaException(new Error(ErrorCode.Local_Fail, "librdkafka could not create the mock cluster (see its log on stderr)."));
        }

        result.SetHandle(cluster);
        return result;
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        LibrdkafkaMockMethods.MockClusterDestroy(handle);
        if (_client != 0)
        {
            LibrdkafkaMockMethods.Destroy(_client);
            _client = 0;
        }

        return true;
    }

    private static unsafe nint NewBareClient()
    {
        var conf = LibrdkafkaMockMethods.ConfNew();
        var errorText = stackalloc byte[ErrorTextSize];
        try
        {
            // The handle never connects anywhere; it only runs the mock cluster's thread. Naming it makes
            // its log lines (if any) recognisable.
            Set(conf, "client.id", "logpipe-embedded-kafka", errorText);

            // Without bootstrap.servers librdkafka prints a CONFWARN notice (level 5) to stderr on every start;
            // warnings and errors (level 4 and below, e.g. a listener that cannot bind) still print.
            Set(conf, "log_level", "4", errorText);

            var client = LibrdkafkaMockMethods.New(LibrdkafkaMockMethods.ProducerType, conf, errorText, ErrorTextSize);
            if (client == 0)
            {
                throw new KafkaException(new Error(ErrorCode.Local_Fail, "rd_kafka_new failed: " + Text(errorText)));
            }

            conf = 0; // owned by the client now
            return client;
        }
        finally
        {
            if (conf != 0)
            {
                LibrdkafkaMockMethods.ConfDestroy(conf);
            }
        }
    }

    private static unsafe void Set(nint conf, string name, string value, byte* errorText)
    {
        if (LibrdkafkaMockMethods.ConfSet(conf, name, value, errorText, ErrorTextSize) != LibrdkafkaMockMethods.ConfOk)
        {
            throw new KafkaException(new Error(ErrorCode.Local_InvalidArg, $"librdkafka refused {name}={value}: {Text(errorText)}"));
        }
    }

    private static unsafe string Text(byte* errorText) =>
        Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(errorText));
}
