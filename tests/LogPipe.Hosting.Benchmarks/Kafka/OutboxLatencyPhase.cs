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
/// (i) Business transactions at <see cref="Rate"/> per second from <see cref="Writers"/> concurrent writers (add a person,
/// with the outbox also send it, save). With the outbox, a raw consumer reads the topic and commit-to-log latency is from
/// the save's return to the record's arrival at that consumer (polling with a 5 ms fetch wait), so it includes the relay's
/// wake-up, the send and the broker's acknowledgement path, and the fetch. Without it (the <c>-plain-</c> phases) the
/// same writers at the same rate show what the database does with them anyway: the saves' own times and the commits/s
/// reached.
/// </summary>
/// <param name="options">The run's options (phase timeout).</param>
/// <param name="consumerConfig">The raw consumer's configuration, as LogPipe builds it, for a consumer group.</param>
/// <param name="createDatabase">Creates the phase's database.</param>
/// <param name="appSettings">The writing app's settings for a phase, database, topic, and whether it uses the outbox.</param>
public sealed class OutboxLatencyPhase(
    BenchmarkOptions options,
    Func<string, ConsumerConfig> consumerConfig,
    Func<string, DatabaseProvider, Task<BenchmarkDatabase>> createDatabase,
    Func<string, BenchmarkDatabase, string, bool, LogPipeAppSettings> appSettings)
{
    /// <summary>Business transactions per second in the latency phases.</summary>
    public const int Rate = 1000;

    /// <summary>Transactions in flight at once in the latency phases, each paced to its share of <see cref="Rate"/>.</summary>
    public const int Writers = 8;

    /// <summary>Runs the phase over <paramref name="count"/> transactions.</summary>
    public async Task<PhaseRun> RunAsync(string phase, DatabaseProvider provider, string topic, int count, bool outbox, CancellationToken cancellationToken)
    {
        await using var database = await createDatabase(phase, provider).ConfigureAwait(false);
        // The phase runs one writing process per database file: the case the SQLite write gate is for (opt-in).
        var settings = appSettings(phase, database, topic, outbox);
        settings = settings with { Configuration = new Dictionary<string, string?>(settings.Configuration) { ["Outbox:SqliteWriteGate"] = "true" } };
        await using var app = LogPipeApp.Create(settings);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var committedAt = new long[count];
        var saveMs = new double[count];
        var arrivedAt = new long[count];
        var config = consumerConfig("bench-latency-" + Guid.NewGuid().ToString("N")[..8]);
        config.FetchWaitMaxMs = 5;
        config.FetchQueueBackoffMs = 1;
        config.AutoOffsetReset = AutoOffsetReset.Earliest;
        using var meter = PhaseMeter.Start();
        var reading = outbox
            ? Task.Factory.StartNew(() => ReadArrivals(config, topic, arrivedAt, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            : Task.FromResult(count);
        var next = -1;
        var interval = TimeSpan.FromSeconds((double)Writers / Rate);
        async Task WriterAsync(int writer)
        {
            var due = Stopwatch.GetTimestamp() + (long)(interval.TotalSeconds * Stopwatch.Frequency * writer / Writers);
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                due += (long)(interval.TotalSeconds * Stopwatch.Frequency);
                var started = Stopwatch.GetTimestamp();
                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<SampleDbContext>();
                var person = BenchmarkPeople.Person(i);
                db.People.Add(person);
                if (outbox) await scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(person, cancellationToken).ConfigureAwait(false);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                committedAt[i] = Stopwatch.GetTimestamp();
                saveMs[i] = Stopwatch.GetElapsedTime(started, committedAt[i]).TotalMilliseconds;
            }
        }

        var writing = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriterAsync(w), cancellationToken))).ConfigureAwait(false);
        var commitRate = count / writing.Elapsed.TotalSeconds;
        var arrived = await reading.WaitAsync(options.PhaseTimeout, cancellationToken).ConfigureAwait(false);
        var measurement = meter.Stop(arrived);
        var saves = Describe(saveMs);
        var load = string.Create(CultureInfo.InvariantCulture, $"{Writers} writers paced to {Rate:N0}/s reached {commitRate:N0} commits/s; transaction (scope, add, save) {saves}");
        if (!outbox) return new PhaseRun(measurement, load);

        // A record can arrive before its writer's save has returned: the relay is woken by the commit itself.
        var latencies = Enumerable.Range(0, count).Where(i => arrivedAt[i] != 0)
            .Select(i => Math.Max(0, Stopwatch.GetElapsedTime(committedAt[i], arrivedAt[i]).TotalMilliseconds))
            .ToArray();
        var note = $"commit-to-log {Describe(latencies)}; {load}";
        return new PhaseRun(measurement, note, arrived == count ? null : $"{arrived} of {count} records arrived");
    }

    /// <summary>p50, p99, p99.9 and max of <paramref name="milliseconds"/>.</summary>
    private static string Describe(double[] milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return string.Create(CultureInfo.InvariantCulture,
            $"p50 {Percentile(0.50):F1} ms, p99 {Percentile(0.99):F1} ms, p99.9 {Percentile(0.999):F1} ms, max {Percentile(1):F1} ms");
    }

    /// <summary>Reads the topic from the beginning and notes when each person's record arrived; returns how many arrived.</summary>
    private int ReadArrivals(ConsumerConfig config, string topic, long[] arrivedAt, CancellationToken cancellationToken)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(config).Build();
        consumer.Subscribe(topic);
        var deadline = DateTime.UtcNow + options.PhaseTimeout;
        var arrived = 0;
        while (arrived < arrivedAt.Length && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result?.Message is not { Key: { } key } || result.IsPartitionEOF) continue;
            var now = Stopwatch.GetTimestamp();
            var index = BenchmarkPeople.IndexOf(key);
            if (index < 0 || index >= arrivedAt.Length || arrivedAt[index] != 0) continue;
            arrivedAt[index] = now;
            arrived++;
        }

        consumer.Close();
        return arrived;
    }
}
