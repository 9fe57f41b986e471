using LogPipe.Hosting.Kafka.Tests.Embedded;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Kafka.Tests.Transport;

/// <summary>What a failed send says about each record: not stored, or possibly stored (sent, then timed out).</summary>
public sealed class KafkaSendFailureTests : IAsyncLifetime
{
    private const int Brokers = 3;
    private readonly KafkaTestCluster _cluster = KafkaTestCluster.Start(Brokers);
    private readonly TemporaryDatabase _database = TemporaryDatabase.Sqlite();
    private KafkaApp? _app;
    private AsyncServiceScope? _scope;

    public async Task InitializeAsync()
    {
        var topic = _cluster.CreateTopic(6, "people");
        _app = KafkaApp.Create(_cluster.BootstrapServers, topic, KafkaTestCluster.NewName("group"), _database, new Dictionary<string, string?>
        {
            ["LogPipe:EnableConsumers"] = "false",
            ["LogPipe:Kafka:Producer:message.timeout.ms"] = "1500",
            ["LogPipe:Kafka:Producer:message.max.bytes"] = "2000",
        });
        await _app.EnsureDatabaseAsync();
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        for (var broker = 1; broker <= Brokers; broker++)
        {
            _cluster.Cluster.SetBrokerRoundTripTime(broker, TimeSpan.Zero);
            _cluster.Cluster.SetBrokerUp(broker);
        }

        if (_scope is { } scope) await scope.DisposeAsync();
        if (_app is not null) await _app.DisposeAsync();
        _database.Dispose();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task A_send_that_timed_out_after_reaching_the_broker_says_which_records_were_possibly_stored()
    {
        var producer = await WarmProducerAsync();

        // Every broker applies what it receives but answers after the records' 1.5 s timeout: each record reached a
        // broker and may be stored. The oversized one never leaves the client: certainly not stored.
        AnswerLate();
        var people = People.Many(6);
        people[2].LastName = new string('x', 5000);
        var failure = await Assert.ThrowsAsync<KafkaSendException>(() => producer.SendBatchAsync(people));

        Assert.Equal([0, 1, 2, 3, 4, 5], failure.FailedIndexes);
        Assert.Equal([0, 1, 3, 4, 5], failure.PossiblyStoredIndexes);
        Assert.Contains("5 of them possibly stored (sent, but not acknowledged in time: sending them again may store copies), 1 not stored", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_single_send_that_timed_out_after_reaching_the_broker_says_it_was_possibly_stored()
    {
        var producer = await WarmProducerAsync();
        AnswerLate();

        var failure = await Assert.ThrowsAsync<KafkaSendException>(() => producer.SendAsync(People.Many(1)[0]));

        Assert.Equal("Local_MsgTimedOut", failure.ErrorCode);
        Assert.Equal([0], failure.FailedIndexes);
        Assert.Equal([0], failure.PossiblyStoredIndexes);
        Assert.Contains("(possibly stored: the record was sent but not acknowledged in time; sending it again may store a copy)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_send_that_never_reached_a_broker_says_none_of_its_records_was_stored()
    {
        var producer = await WarmProducerAsync();

        // Every broker is down before the send: the records wait in the client until their 1.5 s timeout and are never
        // transmitted, so sending them again cannot store copies. The send waits until the producer has seen every
        // connection drop: sent at once, a record could still reach a connection the client thought open, which it
        // rightly reports as possibly stored (one CI run in many).
        for (var broker = 1; broker <= Brokers; broker++) _cluster.Cluster.SetBrokerDown(broker);
        await Eventually.TrueAsync(
            () => _app!.Logs.Entries.Any(e => e.EventId.Id == 2002 && e.Message.Contains("producer", StringComparison.Ordinal) && e.Message.Contains("AllBrokersDown", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30),
            "the producer never reported all brokers down");
        var failure = await Assert.ThrowsAsync<KafkaSendException>(() => producer.SendBatchAsync(People.Many(3)));

        Assert.Equal([0, 1, 2], failure.FailedIndexes);
        Assert.Empty(failure.PossiblyStoredIndexes);
        Assert.Contains("(none of them was stored)", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>The app's producer after one successful send: connections, metadata and producer id in place.</summary>
    private async Task<IProducer<Person>> WarmProducerAsync()
    {
        _scope = _app!.Services.CreateAsyncScope();
        var producer = _scope.Value.ServiceProvider.GetRequiredService<IProducer<Person>>();
        await producer.SendBatchAsync(People.Many(30));
        return producer;
    }

    private void AnswerLate()
    {
        for (var broker = 1; broker <= Brokers; broker++) _cluster.Cluster.SetBrokerRoundTripTime(broker, TimeSpan.FromSeconds(10));
    }
}
