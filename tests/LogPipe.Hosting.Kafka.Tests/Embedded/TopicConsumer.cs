using Confluent.Kafka;

namespace LogPipe.Hosting.Kafka.Tests.Embedded;

/// <summary>
/// A consumer-group member that reads a topic on its own thread and lets a test await "n records seen"
/// instead of sleeping.
/// </summary>
public sealed class TopicConsumer : IDisposable
{
    private readonly IConsumer<string, string> _consumer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly List<ConsumeResult<string, string>> _records = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private Exception? _failure;

    private TopicConsumer(ConsumerConfig config, string topic)
    {
        _consumer = new ConsumerBuilder<string, string>(config).Build();
        _consumer.Subscribe(topic);
        _thread = new Thread(Run) { IsBackground = true, Name = "test-consumer " + topic };
        _thread.Start();
    }

    /// <summary>Records seen so far, in arrival order.</summary>
    public IReadOnlyList<ConsumeResult<string, string>> Records
    {
        get
        {
            lock (_records)
            {
                return [.. _records];
            }
        }
    }

    /// <summary>Joins a new random group on <paramref name="topic"/> and starts reading from the earliest offset.</summary>
    public static TopicConsumer Start(string bootstrapServers, string topic) =>
        Start(KafkaTestCluster.ConsumerConfig(bootstrapServers, KafkaTestCluster.NewName("group")), topic);

    /// <summary>Subscribes a consumer built from <paramref name="config"/> to <paramref name="topic"/>.</summary>
    public static TopicConsumer Start(ConsumerConfig config, string topic) => new(config, topic);

    /// <summary>Waits until at least <paramref name="count"/> records arrived; fails with what did arrive on timeout.</summary>
    public async Task<IReadOnlyList<ConsumeResult<string, string>>> WaitForAsync(int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var records = Records;
            if (_failure is not null)
            {
                throw new InvalidOperationException("The consumer failed.", _failure);
            }

            if (records.Count >= count)
            {
                return records;
            }

            try
            {
                await _arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Saw {Records.Count} of {count} records within {timeout}.");
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
        _arrived.Dispose();
    }

    private void Run()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result is null || result.IsPartitionEOF)
                {
                    continue;
                }

                lock (_records)
                {
                    _records.Add(result);
                }

                _arrived.Release();
            }
        }
        catch (Exception e)
        {
            _failure = e;
            _arrived.Release();
        }
    }
}
