using System.Diagnostics.Metrics;
using System.Text;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Tests.Producers;

public sealed class ProducerTests
{
    private static TestApp App(string? producerId = null, string? format = null) => TestApp.Create(
        lp => lp.AddProducer<Person, PersonSerializerV1>("people"),
        new Dictionary<string, string?> { ["LogPipe:ProducerId"] = producerId, ["LogPipe:DefaultFormat"] = format ?? "json" },
        entityFrameworkOffsets: false);

    private static async Task<InMemoryBroker.StoredRecord> SendJoeAsync(TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var position = await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendAsync(People.Joe());
        Assert.True(app.Broker.TryGet("people", int.Parse(position.Partition), position.Offset, out var stored));
        return stored;
    }

    [Fact]
    public async Task Envelope_has_type_version_message_in_order_and_no_producer_when_unset()
    {
        await using var app = App();
        var stored = await SendJoeAsync(app);
        Assert.Equal(
            """json:{"type":"person","version":1,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41","first_name":"Joe","last_name":"Schmoe"}}""",
            Encoding.UTF8.GetString(stored.Value));
    }

    [Fact]
    public async Task Envelope_ends_with_the_producer_id_when_set()
    {
        await using var app = App(producerId: "people-api");
        var stored = await SendJoeAsync(app);
        Assert.Equal(
            """json:{"type":"person","version":1,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41","first_name":"Joe","last_name":"Schmoe"},"producer":"people-api"}""",
            Encoding.UTF8.GetString(stored.Value));
    }

    [Fact]
    public async Task Record_key_is_the_key_field_value()
    {
        await using var app = App();
        var stored = await SendJoeAsync(app);
        Assert.Equal("de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41", Encoding.UTF8.GetString(stored.Key!));
    }

    [Fact]
    public async Task A_large_batch_keeps_the_order_of_its_models_and_a_model_that_cannot_be_encoded_sends_nothing()
    {
        var broker = new InMemoryBroker();
        broker.CreateTopic("people", 1);
        await using var app = TestApp.Create(lp => lp.AddProducer<Person, PersonSerializerV1>("people"), broker: broker, entityFrameworkOffsets: false);
        await using var scope = app.Services.CreateAsyncScope();
        var producer = scope.ServiceProvider.GetRequiredService<IProducer<Person>>();

        // Large batches are encoded on two threads: the log must still hold them in the order given.
        var people = People.Many(3000);
        var positions = await producer.SendBatchAsync(people);
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => (long)i), positions.Select(p => p.Offset));
        for (var i = 0; i < people.Count; i += 499)
        {
            Assert.True(broker.TryGet("people", 0, i, out var stored));
            Assert.Equal(people[i].Uuid.ToString(), Encoding.UTF8.GetString(stored.Key!));
        }

        // A model that cannot be encoded (here: none at all) fails the whole send before anything is sent.
        var withHole = People.Many(2000).Cast<Person?>().ToList();
        withHole[1500] = null;
        await Assert.ThrowsAsync<ArgumentNullException>(() => producer.SendBatchAsync(withHole!));
        Assert.Equal(3000, broker.EndOffsets("people").Sum());
    }

    [Fact]
    public async Task A_send_fails_through_its_task_whether_or_not_anyone_listens_and_is_counted_when_someone_does()
    {
        var broker = new InMemoryBroker();
        broker.CreateTopic("people", 1);
        await using var app = TestApp.Create(lp => lp.AddProducer<Person, PersonSerializerV1>("people"), broker: broker, entityFrameworkOffsets: false);
        var producer = app.Services.GetRequiredService<IProducer<Person>>();
        var meter = app.Services.GetRequiredService<LogPipeTelemetry>().Meter;

        // Nobody listens (the send returns the delivery's own task): a model that cannot be sent fails the task, not the call.
        var unobserved = producer.SendAsync(null!);
        await Assert.ThrowsAsync<ArgumentNullException>(() => unobserved);
        Assert.Equal(0, (await producer.SendAsync(People.Joe())).Offset);

        var sent = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "messaging.client.sent.messages") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref sent, value));
        listener.Start();

        // Someone listens: the same send is measured, and a failure still comes through the task.
        var observed = producer.SendAsync(null!);
        await Assert.ThrowsAsync<ArgumentNullException>(() => observed);
        Assert.Equal(1, (await producer.SendAsync(People.Joe())).Offset);
        Assert.Equal(1, Interlocked.Read(ref sent));
        Assert.Equal(2, broker.EndOffsets("people").Sum());
    }

    [Fact]
    public async Task Send_returns_where_the_record_went_and_same_key_lands_on_same_partition()
    {
        var broker = new InMemoryBroker();
        broker.CreateTopic("people", 8);
        await using var app = TestApp.Create(lp => lp.AddProducer<Person, PersonSerializerV1>("people"), broker: broker, entityFrameworkOffsets: false);
        await using var scope = app.Services.CreateAsyncScope();
        var producer = scope.ServiceProvider.GetRequiredService<IProducer<Person>>();
        var people = People.Many(50);
        var first = await producer.SendBatchAsync(people);
        var second = await producer.SendBatchAsync(people);
        Assert.Equal(50, first.Count);
        Assert.All(first, p => Assert.Equal("people", p.Stream));
        Assert.Equal(first.Select(p => p.Partition), second.Select(p => p.Partition));
        Assert.True(first.Select(p => p.Partition).Distinct().Count() > 1, "keys should spread over partitions");
        for (var i = 0; i < people.Count; i++)
        {
            var expected = KafkaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(people[i].Uuid.ToString()), 8);
            Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), first[i].Partition);
        }

        Assert.Equal(100, broker.EndOffsets("people").Sum());
    }

    [Fact]
    public async Task Msgpack_producer_writes_msgpack_prefix()
    {
        await using var app = App(format: "msgpack");
        var stored = await SendJoeAsync(app);
        Assert.StartsWith("msgpack:", Encoding.ASCII.GetString(stored.Value, 0, 8));
        Assert.Equal(0x83, stored.Value[8]); // fixmap of type, version, message
    }

    [Fact]
    public void Murmur2_matches_kafka_reference_values()
    {
        // Apache Kafka's UtilsTest.testMurmur2 vectors.
        Assert.Equal(-973932308, KafkaPartitioner.Murmur2("21"u8));
        Assert.Equal(-790332482, KafkaPartitioner.Murmur2("foobar"u8));
        Assert.Equal(-985981536, KafkaPartitioner.Murmur2("a-little-bit-long-string"u8));
        Assert.Equal(-1486304829, KafkaPartitioner.Murmur2("a-little-bit-longer-string"u8));
        Assert.Equal(-58897971, KafkaPartitioner.Murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"u8));
        Assert.Equal(479470107, KafkaPartitioner.Murmur2("abc"u8));
    }

    [Fact]
    public async Task A_named_producer_sends_the_same_model_through_another_serializer_version()
    {
        await using var app = TestApp.Create(
            lp => lp.AddProducer<Person, PersonSerializerV2>("people").AddProducer<Person, PersonSerializerV1>("people", name: "v1"),
            entityFrameworkOffsets: false);
        await using var scope = app.Services.CreateAsyncScope();
        var v2 = await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendAsync(People.Joe());
        var v1 = await scope.ServiceProvider.GetRequiredKeyedService<IProducer<Person>>("v1").SendAsync(People.Joe());
        Assert.True(app.Broker.TryGet("people", 0, v2.Offset, out var second));
        Assert.True(app.Broker.TryGet("people", 0, v1.Offset, out var first));
        Assert.Contains("\"version\":2", Encoding.UTF8.GetString(second.Value), StringComparison.Ordinal);
        Assert.Contains("\"version\":1", Encoding.UTF8.GetString(first.Value), StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_default_producer_for_a_model_is_refused_with_a_hint()
    {
        var error = Assert.Throws<ArgumentException>(() => TestApp.Create(
            lp => lp.AddProducer<Person, PersonSerializerV2>("people").AddProducer<Person, PersonSerializerV1>("people"),
            entityFrameworkOffsets: false));
        Assert.Contains("add further ones with a name", error.Message, StringComparison.Ordinal);
    }
}
