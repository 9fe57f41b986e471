using Confluent.Kafka;

namespace LogPipe.Hosting.Kafka;

/// <summary>
/// What the clients last heard from the cluster: librdkafka reports "all brokers down" as an error event but says nothing
/// when they come back, so any successful delivery or fetch counts as contact again.
/// </summary>
internal sealed class KafkaConnectivity
{
    private long _lastAllBrokersDown;
    private long _lastContact;
    private string _lastError = "";

    public void Report(Error error)
    {
        if (error.Code != ErrorCode.Local_AllBrokersDown) return;
        _lastError = error.Reason;
        Interlocked.Exchange(ref _lastAllBrokersDown, Environment.TickCount64);
    }

    public void Contact() => Interlocked.Exchange(ref _lastContact, Environment.TickCount64);

    public bool SuspectedDown(out string reason)
    {
        reason = _lastError;
        return Interlocked.Read(ref _lastAllBrokersDown) > Interlocked.Read(ref _lastContact);
    }
}
