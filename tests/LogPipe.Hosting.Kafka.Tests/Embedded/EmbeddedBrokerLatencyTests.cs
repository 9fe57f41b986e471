using System.Diagnostics;
using System.Threading.Channels;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.TestSupport;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Kafka.Tests.Embedded;

/// <summary>
/// A service on <c>BootstrapServers = embedded</c> with nothing else configured: the development broker answers an empty
/// fetch only when the consumer's fetch wait runs out, so LogPipe's defaults decide how long a record sent after a quiet
/// moment waits before it is applied.
/// </summary>
public sealed class EmbeddedBrokerLatencyTests
{
    [Fact]
    public async Task A_record_sent_after_a_quiet_moment_is_applied_well_within_the_half_second_librdkafka_waits_by_default()
    {
        const string topic = "people-latency";
        using var database = TemporaryDatabase.Sqlite();
        var committed = new CommitSignal();
        var defaults = KafkaTestSettings.Defaults(KafkaOptions.Embedded, "latency-" + Guid.NewGuid().ToString("N")[..8]);
        // What a service on the embedded broker gets unless it says otherwise (the test defaults shorten the fetch wait).
        defaults.Remove("LogPipe:Kafka:Consumer:fetch.wait.max.ms");
        var logs = new LogCapture();
        var host = LogPipeTestApp.BuildHost(
            logs,
            defaults,
            null,
            (_, o) => database.Configure(o),
            lp => lp.UseKafka().UseEntityFrameworkOffsets<TestDb>()
                .AddProducer<Person, PersonSerializerV2>(topic)
                .AddConsumer(topic, c => c.Register<PersonSerializerV2>()),
            services => services.AddSingleton<IConsumedRecordObserver>(committed));
        await using var app = new EmbeddedApp(host, logs);
        await app.EnsureDatabaseAsync();
        await app.StartAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var producer = scope.ServiceProvider.GetRequiredService<IProducer<Person>>();

        // The first record waits for the group to form; every later one is one person's change (one partition, so each
        // arrives while that partition's next fetch has just started waiting, as in a request-then-read-back loop).
        var person = People.Joe();
        await producer.SendAsync(person);
        await committed.NextAsync(TimeSpan.FromSeconds(30));
        var latencies = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            person.Email = $"joe{i}@example.com";
            await producer.SendAsync(person);
            var sent = Stopwatch.GetTimestamp();
            var applied = await committed.NextAsync(TimeSpan.FromSeconds(10));
            latencies.Add(Stopwatch.GetElapsedTime(sent, applied).TotalMilliseconds);
        }

        latencies.Sort();
        Assert.True(latencies[2] < 250, $"median {latencies[2]:F0} ms from send to commit; all: {string.Join(", ", latencies.Select(l => $"{l:F0}"))} ms");
        var replica = Assert.Single(await app.PeopleAsync());
        Assert.Equal("joe4@example.com", replica.Email);
    }

    /// <summary>Hands out the time each committed record's unit committed, one record at a time.</summary>
    private sealed class CommitSignal : IConsumedRecordObserver
    {
        private readonly Channel<long> _commits = Channel.CreateUnbounded<long>();

        public void Committed(IReadOnlyList<(IncomingRecord Record, RecordOutcome Outcome)> handled, IReadOnlyList<DeadLetter> deadLetters)
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var _ in handled) _commits.Writer.TryWrite(now);
        }

        public async Task<long> NextAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            return await _commits.Reader.ReadAsync(cancel.Token);
        }
    }

    private sealed class EmbeddedApp(Microsoft.Extensions.Hosting.IHost host, LogCapture logs) : LogPipeTestApp(host, logs);
}
