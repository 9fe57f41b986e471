using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using LogPipe.Hosting.Benchmarks.Apps;
using LogPipe.Hosting.Benchmarks.Databases;
using LogPipe.Hosting.Benchmarks.Measurement;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Benchmarks.Kafka;

/// <summary>
/// The end-to-end phases of <c>kafka</c> mode, each on a topic of its own (named after the phase): send-to-commit latency
/// at a set rate, and start-up (host start to the first record applied). One app produces and consumes, as the sample
/// does; the consumer applies with the sample's upsert serializers and EF Core checkpoints.
/// </summary>
/// <param name="options">The run's options (PostgreSQL server, phase timeout).</param>
/// <param name="workDirectory">Where SQLite files go.</param>
/// <param name="appConfiguration">The apps' LogPipe configuration for a consumer group.</param>
public sealed class LatencyPhases(BenchmarkOptions options, string workDirectory, Func<string, Dictionary<string, string?>> appConfiguration)
{
    /// <summary>How long a latency phase sends at its rate, at most.</summary>
    private const int PacedSeconds = 10;

    /// <summary>The latency and start-up rows, in the order they run (after the other kafka phases).</summary>
    public static readonly IReadOnlyList<PhaseDefinition> Phases =
    [
        new("latency-1000-sqlite", "(j) SendAsync to commit at 1,000 records/s, sample upsert, SQLite", null) { MaxRecords = 1000 * PacedSeconds, Paced = true },
        new("latency-10000-sqlite", "(j) SendAsync to commit at 10,000 records/s, sample upsert, SQLite", null) { MaxRecords = 10_000 * PacedSeconds, Paced = true },
        new("latency-1000-postgres", "(j) SendAsync to commit at 1,000 records/s, sample upsert, PostgreSQL", null) { MaxRecords = 1000 * PacedSeconds, Paced = true },
        new("startup-sqlite", "(k) host start to first record applied, SQLite", null) { MaxRecords = 1, Paced = true },
    ];

    /// <summary>Runs the phase <paramref name="phase"/> over <paramref name="count"/> records, on <paramref name="topic"/>.</summary>
    public Task<PhaseRun> RunAsync(string phase, string topic, int count, CancellationToken cancellationToken)
    {
        var provider = phase.EndsWith("-postgres", StringComparison.Ordinal) ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        if (phase.StartsWith("startup-", StringComparison.Ordinal)) return StartUpAsync(phase, provider, topic, cancellationToken);
        var rate = int.Parse(phase.Split('-')[1], CultureInfo.InvariantCulture);
        return LatencyAsync(phase, provider, topic, count, rate, cancellationToken);
    }

    /// <summary>
    /// (j) One app sends people through <c>IProducer.SendAsync</c> at <paramref name="rate"/> records per second (each send
    /// started on schedule, not after the previous one) and applies them with its own consumer service. A record's latency
    /// is from its <c>SendAsync</c> returning to the commit of the unit of work that moved its partition's checkpoint past
    /// it. The consumer has joined its group and applied a first record before the clock starts.
    /// </summary>
    private async Task<PhaseRun> LatencyAsync(string phase, DatabaseProvider provider, string topic, int count, int rate, CancellationToken cancellationToken)
    {
        await using var database = await CreateDatabaseAsync(phase, provider).ConfigureAwait(false);
        var progress = new ApplyProgress { CommitLog = new ConcurrentQueue<(PartitionKey, long, long)>() };
        await using var app = LogPipeApp.Create(AppSettings(phase, database, topic, progress));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var producer = app.Producer;
        // Past the phase's people: the group has formed and the path is warm before the first timed record.
        _ = await producer.SendAsync(BenchmarkPeople.Person(count), cancellationToken).ConfigureAwait(false);
        await WaitForFirstAsync(progress, cancellationToken).ConfigureAwait(false);

        var models = Enumerable.Range(0, count).Select(BenchmarkPeople.Person).ToArray();
        var sentAt = new long[count];
        var positions = new RecordPosition[count];
        async Task SendAsync(int i)
        {
            positions[i] = await producer.SendAsync(models[i], cancellationToken).ConfigureAwait(false);
            sentAt[i] = Stopwatch.GetTimestamp();
        }

        using var meter = PhaseMeter.Start();
        var sends = new Task[count];
        var start = Stopwatch.GetTimestamp();
        var ticksPerRecord = (double)Stopwatch.Frequency / rate;
        for (var i = 0; i < count; i++)
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), start + (long)(i * ticksPerRecord));
            // Timers fire at millisecond granularity: records due within the next millisecond go now.
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            sends[i] = SendAsync(i);
        }

        var sending = Stopwatch.GetElapsedTime(start);
        await Task.WhenAll(sends).WaitAsync(options.PhaseTimeout, cancellationToken).ConfigureAwait(false);
        await progress.WaitForAsync(count + 1, options.PhaseTimeout, cancellationToken).ConfigureAwait(false);
        var measurement = meter.Stop(count);
        await app.StopAsync().ConfigureAwait(false);

        var latency = LatencySummary.From(Latencies(progress.CommitLog!, positions, sentAt));
        var (replicas, notOnce, deadLetters) = await database.CountAsync().ConfigureAwait(false);
        var problems = new List<string>();
        if (latency.Samples != count) problems.Add($"{count - latency.Samples} records without a commit");
        if (progress.Failed > 0 || deadLetters > 0) problems.Add($"{progress.Failed} records not applied, {deadLetters} dead letters");
        if (replicas != count + 1 || notOnce != 0) problems.Add($"{replicas} replicas, {notOnce} not applied exactly once");
        var note = string.Create(CultureInfo.InvariantCulture, $"send to commit {latency}; sent at {count / sending.TotalSeconds:N0}/s; {progress.Units:N0} units of work");
        return new PhaseRun(measurement, note, problems.Count == 0 ? null : string.Join("; ", problems)) { Latency = latency };
    }

    /// <summary>
    /// (k) A record waits on the topic (sent by another app, not timed); a new app with a new consumer group starts: timed
    /// from <c>StartAsync</c> to the commit of the unit that applied the record, so the group join, the first assignment,
    /// the checkpoint read and the database's first connection are in it.
    /// </summary>
    private async Task<PhaseRun> StartUpAsync(string phase, DatabaseProvider provider, string topic, CancellationToken cancellationToken)
    {
        await using (var sender = LogPipeApp.Create(new LogPipeAppSettings { UseTransport = l => l.UseKafka(), Configuration = appConfiguration("unused"), ProduceTo = topic }))
        {
            _ = await sender.Producer.SendAsync(BenchmarkPeople.Person(0), cancellationToken).ConfigureAwait(false);
        }

        await using var database = await CreateDatabaseAsync(phase, provider).ConfigureAwait(false);
        var progress = new ApplyProgress();
        await using var app = LogPipeApp.Create(AppSettings(phase, database, topic, progress) with { ProduceTo = null });
        using var meter = PhaseMeter.Start();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        await WaitForFirstAsync(progress, cancellationToken).ConfigureAwait(false);
        var measurement = meter.Stop(1);
        await app.StopAsync().ConfigureAwait(false);
        var note = string.Create(CultureInfo.InvariantCulture, $"first record applied {measurement.Elapsed.TotalMilliseconds:N0} ms after host start (group join included)");
        return new PhaseRun(measurement, note, progress.Failed == 0 ? null : "the record was not applied");
    }

    /// <summary>Each sent record's latency: the first commit that moved its partition's checkpoint past its offset.</summary>
    private static IEnumerable<double> Latencies(IEnumerable<(PartitionKey Partition, long NextOffset, long CommittedAt)> commits, RecordPosition[] positions, long[] sentAt)
    {
        // Per partition in commit order; a partition's checkpoint only moves forward, so its next offsets ascend too.
        var byPartition = commits.GroupBy(c => c.Partition.Partition, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(c => c.CommittedAt).ToArray(), StringComparer.Ordinal);
        for (var i = 0; i < positions.Length; i++)
        {
            if (positions[i].Partition is not { } partition || !byPartition.TryGetValue(partition, out var list)) continue;
            var offset = positions[i].Offset;
            var (low, high) = (0, list.Length);
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (list[middle].NextOffset > offset) high = middle;
                else low = middle + 1;
            }

            if (low == list.Length) continue;
            // A commit can land before SendAsync's continuation runs: the delivery report and the consumer race.
            yield return Math.Max(0, Stopwatch.GetElapsedTime(sentAt[i], list[low].CommittedAt).TotalMilliseconds);
        }
    }

    /// <summary>Waits (checking every millisecond) until the consumer committed its first record.</summary>
    private async Task WaitForFirstAsync(ApplyProgress progress, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(options.PhaseTimeout.TotalSeconds * Stopwatch.Frequency);
        while (progress.Applied + progress.Failed == 0)
        {
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"No record was applied within {options.PhaseTimeout}.");
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }
    }

    private LogPipeAppSettings AppSettings(string phase, BenchmarkDatabase database, string topic, ApplyProgress progress) => new()
    {
        UseTransport = l => l.UseKafka(),
        Configuration = appConfiguration("bench-" + phase + "-" + Guid.NewGuid().ToString("N")[..8]),
        Database = database,
        ProduceTo = topic,
        ConsumeFrom = topic,
        Serializers = ConsumerSerializers.SampleUpsert,
        Progress = progress,
    };

    private Task<BenchmarkDatabase> CreateDatabaseAsync(string phase, DatabaseProvider provider) => provider == DatabaseProvider.Sqlite
        ? BenchmarkDatabase.CreateSqliteAsync(workDirectory, phase)
        : BenchmarkDatabase.CreatePostgresAsync(options.Postgres);
}
