using System.Text;
using LogPipe.Hosting.Kafka.Tests.Embedded;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogPipe.Hosting.Kafka.Tests.Transport;

/// <summary>
/// The sender reuses each record's message and delivery handler once its batch has every report: batches in flight at
/// the same time must still each get the position of every one of their records, and the reused objects must not grow.
/// </summary>
public sealed class KafkaSenderReuseTests : IAsyncLifetime
{
    private const int BatchSize = 300;
    private const int BatchesInFlight = 4;
    private readonly KafkaTestCluster _cluster = KafkaTestCluster.Start();
    private string _topic = "";

    public Task InitializeAsync()
    {
        _topic = _cluster.CreateTopic(6, "reuse");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>A sender with LogPipe's producer configuration, as <c>UseKafka()</c> builds it.</summary>
    private KafkaRecordSender NewSender() =>
        new(new KafkaClientSettings(new KafkaOptions { BootstrapServers = _cluster.BootstrapServers }, _cluster.BootstrapServers, "unused"), new KafkaConnectivity(), NullLogger.Instance);

    [Fact]
    public async Task Batches_in_flight_together_get_each_record_its_own_position_while_their_messages_are_reused()
    {
        using var sender = NewSender();
        var sent = new List<(OutgoingRecord Record, RecordPosition Position)>();
        var freeAfterRound = new List<int>();
        for (var round = 0; round < 3; round++)
        {
            var batches = Enumerable.Range(0, BatchesInFlight).Select(b => Batch($"r{round}-b{b}")).ToArray();
            var positions = await Task.WhenAll(batches.Select(b => sender.SendBatchAsync(b, CancellationToken.None).AsTask()));
            for (var b = 0; b < batches.Length; b++)
            {
                Assert.Equal(BatchSize, positions[b].Count);
                sent.AddRange(batches[b].Zip(positions[b]));
            }

            freeAfterRound.Add(sender.PendingRecords.FreeCount);
        }

        using var consumer = TopicConsumer.Start(_cluster.BootstrapServers, _topic);
        var stored = (await consumer.WaitForAsync(sent.Count, KafkaTestCluster.Patience))
            .ToDictionary(r => (Partition: r.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), Offset: r.Offset.Value));
        Assert.Equal(sent.Count, stored.Count);
        Assert.All(sent, s =>
        {
            // Each position names the record that was sent at that index, nothing else.
            var record = stored[(s.Position.Partition, s.Position.Offset)];
            Assert.Equal(s.Record.Key, record.Message.Key);
            Assert.Equal(Encoding.UTF8.GetString(s.Record.Value.Span), record.Message.Value);
            Assert.Equal(_topic, s.Position.Stream);
        });

        // Every batch gave its records back, and later rounds took them again instead of making more.
        Assert.All(freeAfterRound, free => Assert.Equal(BatchSize * BatchesInFlight, free));
    }

    [Fact]
    public async Task A_batch_larger_than_the_pool_keeps_is_delivered_and_the_pool_stays_bounded()
    {
        using var sender = NewSender();
        var batch = Batch("large", KafkaPendingRecordPool.MaxFree + 10);

        var positions = await sender.SendBatchAsync(batch, CancellationToken.None);

        Assert.Equal(batch.Length, positions.Count);
        Assert.Equal(batch.Length, positions.Select(p => (p.Partition, p.Offset)).Distinct().Count());
        Assert.Equal(0, sender.PendingRecords.FreeCount);
    }

    [Fact]
    public async Task Single_sends_and_a_batch_that_overflow_librdkafkas_queue_wait_for_room_and_are_all_delivered_once()
    {
        // A queue of 20 messages: 200 concurrent single sends and a batch of 100 fill it over and over, and each record
        // that finds it full waits for delivery reports to make room, then is handed over again.
        var options = new KafkaOptions { BootstrapServers = _cluster.BootstrapServers };
        options.Producer["queue.buffering.max.messages"] = "20";
        using var sender = new KafkaRecordSender(new KafkaClientSettings(options, _cluster.BootstrapServers, "unused"), new KafkaConnectivity(), NullLogger.Instance);
        var singles = Batch("single", 200);
        var batch = Batch("batch", 100);

        var batchSent = sender.SendBatchAsync(batch, CancellationToken.None).AsTask();
        var singlesSent = await Task.WhenAll(singles.Select(r => Task.Run(() => sender.SendAsync(r, CancellationToken.None).AsTask())));
        var batchPositions = await batchSent;

        var sent = singles.Zip(singlesSent).Concat(batch.Zip(batchPositions)).ToList();
        using var consumer = TopicConsumer.Start(_cluster.BootstrapServers, _topic);
        var stored = await consumer.WaitForAsync(sent.Count, KafkaTestCluster.Patience);
        Assert.Equal(sent.Count, stored.Count);
        var byPosition = stored.ToDictionary(r => (Partition: r.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), Offset: r.Offset.Value));
        Assert.Equal(sent.Count, byPosition.Count);
        Assert.All(sent, s => Assert.Equal(s.First.Key, byPosition[(s.Second.Partition, s.Second.Offset)].Message.Key));
    }

    [Fact]
    public async Task A_single_send_with_a_token_that_is_never_cancelled_gets_its_position_and_gives_its_message_back()
    {
        using var sender = NewSender();
        using var source = new CancellationTokenSource();
        var record = Batch("single-token", 1)[0];

        var position = await sender.SendAsync(record, source.Token);

        using var consumer = TopicConsumer.Start(_cluster.BootstrapServers, _topic);
        var stored = Assert.Single(await consumer.WaitForAsync(1, KafkaTestCluster.Patience));
        Assert.Equal((position.Partition, position.Offset), (stored.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), stored.Offset.Value));
        Assert.Equal(record.Key, stored.Message.Key);
        Assert.Equal(1, sender.PendingRecords.FreeCount);
    }

    [Fact]
    public async Task A_single_send_waiting_for_an_unreachable_cluster_ends_when_its_token_is_cancelled()
    {
        using var sender = NewSender();
        await sender.SendAsync(Batch("warm", 1)[0], CancellationToken.None);
        for (var broker = 1; broker <= 3; broker++) _cluster.Cluster.SetBrokerDown(broker);
        try
        {
            using var source = new CancellationTokenSource();
            var send = sender.SendAsync(Batch("cut-off", 1)[0], source.Token).AsTask();
            Assert.False(send.IsCompleted);

            await source.CancelAsync();

            var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send.WaitAsync(KafkaTestCluster.Patience));
            Assert.Equal(source.Token, cancelled.CancellationToken);
        }
        finally
        {
            for (var broker = 1; broker <= 3; broker++) _cluster.Cluster.SetBrokerUp(broker);
        }
    }

    private OutgoingRecord[] Batch(string name, int size = BatchSize) =>
        [.. Enumerable.Range(0, size).Select(i => new OutgoingRecord(_topic, $"{name}-{i}", Encoding.UTF8.GetBytes($"json:{{\"n\":\"{name}-{i}\"}}")))];
}
