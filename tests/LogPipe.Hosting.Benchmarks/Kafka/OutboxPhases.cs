using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using LogPipe.Hosting.Benchmarks.Apps;
using LogPipe.Hosting.Benchmarks.Databases;
using LogPipe.Hosting.Benchmarks.Measurement;
using LogPipe.Sample.Data;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Benchmarks.Kafka;

/// <summary>
/// The transactional outbox's phases of <c>kafka</c> mode, each on a topic of its own (named after the phase): a writer's
/// transaction with the outbox against the same transaction without it, the relay's throughput against the raw producer,
/// and commit-to-log latency at a set rate.
/// </summary>
/// <param name="options">The run's options (PostgreSQL server, phase timeout).</param>
/// <param name="partitions">Partitions per topic.</param>
/// <param name="workDirectory">Where SQLite files go.</param>
/// <param name="appConfiguration">The apps' LogPipe configuration for a consumer group.</param>
/// <param name="consumerConfig">The raw consumer's configuration, as LogPipe builds it, for a consumer group.</param>
public sealed class OutboxPhases(
    BenchmarkOptions options,
    int partitions,
    string workDirectory,
    Func<string, Dictionary<string, string?>> appConfiguration,
    Func<string, ConsumerConfig> consumerConfig)
{
    /// <summary>Pairs of transactions (one with the outbox, one without) the writer phases measure side by side, at most.</summary>
    private const int InterleavedPairs = 2000;

    /// <summary>Outbox entries per transaction when the relay phases fill the outbox.</summary>
    private const int FillBatch = 1000;

    /// <summary>The outbox's rows, in the order they run (after the other kafka phases).</summary>
    public static readonly IReadOnlyList<PhaseDefinition> Phases =
    [
        new("outbox-write-plain-sqlite", "(g) writer's transaction without outbox, SQLite", null) { MaxRecords = 20_000 },
        new("outbox-write-sqlite", "(g) writer's transaction with outbox, SQLite", "outbox-write-plain-sqlite") { MaxRecords = 20_000 },
        new("outbox-write-plain-postgres", "(g) writer's transaction without outbox, PostgreSQL", null) { MaxRecords = 20_000 },
        new("outbox-write-postgres", "(g) writer's transaction with outbox, PostgreSQL", "outbox-write-plain-postgres") { MaxRecords = 20_000 },
        new("outbox-relay-sqlite", "(h) outbox relay, SQLite", "produce-raw") { MaxRecords = 200_000 },
        new("outbox-relay-postgres", "(h) outbox relay, PostgreSQL", "produce-raw") { MaxRecords = 200_000 },
        new("outbox-latency-plain-sqlite", "(i) the same writers without outbox at 1,000 changes/s, SQLite", null) { MaxRecords = 20_000, Paced = true },
        new("outbox-latency-plain-postgres", "(i) the same writers without outbox at 1,000 changes/s, PostgreSQL", null) { MaxRecords = 20_000, Paced = true },
        new("outbox-latency-sqlite", "(i) outbox commit-to-log at 1,000 changes/s, SQLite", null) { MaxRecords = 20_000, Paced = true },
        new("outbox-latency-postgres", "(i) outbox commit-to-log at 1,000 changes/s, PostgreSQL", null) { MaxRecords = 20_000, Paced = true },
    ];

    private OutboxLatencyPhase Latency => new(options, consumerConfig, CreateDatabaseAsync, AppSettings);

    /// <summary>Runs the outbox phase <paramref name="phase"/> over <paramref name="count"/> records, on <paramref name="topic"/>.</summary>
    public Task<PhaseRun> RunAsync(string phase, string topic, int count, CancellationToken cancellationToken)
    {
        var provider = phase.EndsWith("-postgres", StringComparison.Ordinal) ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        return phase switch
        {
            _ when phase.StartsWith("outbox-write-plain-", StringComparison.Ordinal) => WriteAsync(phase, provider, topic, count, outbox: false, cancellationToken),
            _ when phase.StartsWith("outbox-write-", StringComparison.Ordinal) => WriteAsync(phase, provider, topic, count, outbox: true, cancellationToken),
            _ when phase.StartsWith("outbox-relay-", StringComparison.Ordinal) => RelayAsync(phase, provider, topic, count, cancellationToken),
            _ when phase.StartsWith("outbox-latency-plain-", StringComparison.Ordinal) => Latency.RunAsync(phase, provider, topic, count, outbox: false, cancellationToken),
            _ when phase.StartsWith("outbox-latency-", StringComparison.Ordinal) => Latency.RunAsync(phase, provider, topic, count, outbox: true, cancellationToken),
            _ => throw new InvalidOperationException($"Unknown phase '{phase}'."),
        };
    }

    /// <summary>
    /// (g) One caller, one business transaction after the other, as a request handler runs it: add a person and save;
    /// with the outbox, also <c>IOutboxProducer.SendAsync</c> it before the save. The writing app runs no relay
    /// (<c>Outbox:DisableRelay</c>), so the row measures the outbox's own work in the writer, not a relay competing for the
    /// database and the cores; another app relays the entries after the measurement, to check every one reaches the log.
    /// </summary>
    private async Task<PhaseRun> WriteAsync(string phase, DatabaseProvider provider, string topic, int count, bool outbox, CancellationToken cancellationToken)
    {
        await using var database = await CreateDatabaseAsync(phase, provider).ConfigureAwait(false);
        var settings = AppSettings(phase, database, topic, outbox);
        await using var app = LogPipeApp.Create(outbox ? WithoutRelay(settings) : settings);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var models = Enumerable.Range(0, count).Select(BenchmarkPeople.Person).ToArray();
        using var meter = PhaseMeter.Start();
        for (var i = 0; i < count; i++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SampleDbContext>();
            db.People.Add(models[i]);
            if (outbox) await scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(models[i], cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        var measurement = meter.Stop(count);
        var perTransaction = string.Create(CultureInfo.InvariantCulture, $"{measurement.Elapsed.TotalMilliseconds / count:F2} ms per transaction, one at a time");
        if (!outbox) return new PhaseRun(measurement, perTransaction);
        var pairs = Math.Min(count, InterleavedPairs);
        var interleaved = await InterleavedAsync(app, count, pairs, cancellationToken).ConfigureAwait(false);
        await using var relay = LogPipeApp.Create(settings);
        await relay.StartAsync(cancellationToken).ConfigureAwait(false);
        await WaitForEmptyOutboxAsync(database, cancellationToken).ConfigureAwait(false);
        var onLog = TopicRecords(topic);
        return new PhaseRun(measurement, $"{perTransaction}; {interleaved}", onLog == count + pairs ? null : $"{onLog} records on the log for {count + pairs} transactions");
    }

    /// <summary>
    /// The outbox's cost against the plain transaction measured side by side, which a shared machine's changing load
    /// cannot skew as it skews two phases run one after the other: <paramref name="pairs"/> pairs of one transaction with
    /// the outbox and one without, in the same app, alternating which goes first; medians and means of each.
    /// </summary>
    private static async Task<string> InterleavedAsync(LogPipeApp app, int first, int pairs, CancellationToken cancellationToken)
    {
        var withOutbox = new double[pairs];
        var plain = new double[pairs];
        for (var pair = 0; pair < pairs; pair++)
        {
            for (var turn = 0; turn < 2; turn++)
            {
                var outbox = (pair + turn) % 2 == 0;
                var person = BenchmarkPeople.Person(first + (2 * pair) + turn);
                var started = Stopwatch.GetTimestamp();
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<SampleDbContext>();
                    db.People.Add(person);
                    if (outbox) await scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(person, cancellationToken).ConfigureAwait(false);
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }

                (outbox ? withOutbox : plain)[pair] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        Array.Sort(withOutbox);
        Array.Sort(plain);
        double Median(double[] a) => a[a.Length / 2];
        return string.Create(CultureInfo.InvariantCulture,
            $"interleaved with {pairs:N0} plain transactions in the same app: median {Median(withOutbox):F2} against {Median(plain):F2} ms = {Median(withOutbox) / Median(plain):F2}×, mean {withOutbox.Average():F2} against {plain.Average():F2} ms = {withOutbox.Average() / plain.Average():F2}×");
    }

    /// <summary>
    /// (h) The outbox filled beforehand (not measured: <see cref="FillBatch"/> entries per transaction), then the app
    /// started: measured from its start until its relay has sent and deleted every entry.
    /// </summary>
    private async Task<PhaseRun> RelayAsync(string phase, DatabaseProvider provider, string topic, int count, CancellationToken cancellationToken)
    {
        await using var database = await CreateDatabaseAsync(phase, provider).ConfigureAwait(false);
        await using var app = LogPipeApp.Create(AppSettings(phase, database, topic, outbox: true));
        var models = Enumerable.Range(0, FillBatch).Select(BenchmarkPeople.Person).ToArray();
        for (var start = 0; start < count; start += FillBatch)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>();
            for (var j = 0; j < FillBatch && start + j < count; j++) await outbox.SendAsync(BenchmarkPeople.Fill(models[j], start + j), cancellationToken).ConfigureAwait(false);
            await scope.ServiceProvider.GetRequiredService<SampleDbContext>().SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        using var meter = PhaseMeter.Start();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        await WaitForTopicRecordsAsync(topic, count, cancellationToken).ConfigureAwait(false);
        await WaitForEmptyOutboxAsync(database, cancellationToken).ConfigureAwait(false);
        var measurement = meter.Stop(count);
        var onLog = TopicRecords(topic);
        return new PhaseRun(measurement, string.Create(CultureInfo.InvariantCulture, $"outbox filled with {count:N0} entries first"), onLog == count ? null : $"{onLog} records on the log for {count} entries");
    }

    private LogPipeAppSettings AppSettings(string phase, BenchmarkDatabase database, string topic, bool outbox) => new()
    {
        UseTransport = l => l.UseKafka(),
        Configuration = appConfiguration("bench-" + phase),
        Database = database,
        ProduceTo = topic,
        Outbox = outbox,
    };

    private static LogPipeAppSettings WithoutRelay(LogPipeAppSettings settings) => settings with
    {
        Configuration = new Dictionary<string, string?>(settings.Configuration) { ["Outbox:DisableRelay"] = "true" },
    };

    private Task<BenchmarkDatabase> CreateDatabaseAsync(string phase, DatabaseProvider provider) => provider == DatabaseProvider.Sqlite
        ? BenchmarkDatabase.CreateSqliteAsync(workDirectory, phase)
        : BenchmarkDatabase.CreatePostgresAsync(options.Postgres);

    /// <summary>Waits until the relay has sent and deleted every entry (checked every 10 ms).</summary>
    private async Task WaitForEmptyOutboxAsync(BenchmarkDatabase database, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.PhaseTimeout;
        long left;
        while ((left = await database.OutboxEntriesAsync().ConfigureAwait(false)) > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{left} outbox entries were still unsent after {options.PhaseTimeout}.");
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until the topic holds <paramref name="count"/> records, asking the broker (its high watermarks), not the
    /// database: a <c>COUNT(*)</c> of the outbox every 10 ms scanned the whole table each time and kept one of the two
    /// cores busy beside the relay it measured.
    /// </summary>
    private async Task WaitForTopicRecordsAsync(string topic, long count, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.PhaseTimeout;
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(consumerConfig("bench-watermarks")).Build();
        long onLog;
        while ((onLog = Enumerable.Range(0, partitions).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(30)).High.Value)) < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{onLog} of {count} records were on the log after {options.PhaseTimeout}.");
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How many records the topic holds (the sum of its partitions' high watermarks).</summary>
    private long TopicRecords(string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(consumerConfig("bench-watermarks")).Build();
        return Enumerable.Range(0, partitions).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(30)).High.Value);
    }
}
