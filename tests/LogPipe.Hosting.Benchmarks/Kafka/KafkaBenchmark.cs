using System.Globalization;
using Confluent.Kafka;
using LogPipe.Hosting.Benchmarks.Apps;
using LogPipe.Hosting.Benchmarks.Databases;
using LogPipe.Hosting.Benchmarks.Measurement;
using LogPipe.Hosting.Kafka;
using LogPipe.Sample.Data;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Benchmarks.Kafka;

/// <summary>
/// <c>kafka</c> mode: on one development broker, in one run, the raw Confluent.Kafka producer and consumer (baselines)
/// beside LogPipe's producer and consumer service. Producers and the raw consumer use the exact client configuration
/// LogPipe builds (<see cref="KafkaClientSettings"/>), and the raw producer sends the exact bytes LogPipe writes. The
/// transactional outbox's phases come last (<see cref="OutboxPhases"/>).
/// </summary>
public sealed class KafkaBenchmark
{
    /// <summary>The topic LogPipe's batch producer fills and every consumer phase reads.</summary>
    public const string Topic = "people";

    /// <summary>The topic of the raw producer.</summary>
    public const string RawTopic = "people-raw";

    /// <summary>The topic of the raw concurrent-ProduceAsync producer.</summary>
    public const string RawConcurrentTopic = "people-raw-concurrent";

    /// <summary>The topic of the concurrent-SendAsync producer.</summary>
    public const string ConcurrentTopic = "people-concurrent";

    /// <summary>Batches of one producer in flight at once.</summary>
    private const int BatchesInFlight = 4;

    /// <summary>The development broker keeps at most 5 MiB per partition; a record takes about 250 bytes there.</summary>
    private const int RecordsPerPartition = 10_000;

    /// <summary>The rows, in the order they run.</summary>
    public static readonly IReadOnlyList<PhaseDefinition> Phases =
    [
        new("produce-raw", "(a) raw Confluent producer, same bytes", null),
        new("produce-batch", "(b) LogPipe IProducer.SendBatchAsync", "produce-raw"),
        new("produce-raw-concurrent", "(a) raw Confluent ProduceAsync, concurrent, same bytes", null),
        new("produce-concurrent", "(b) LogPipe IProducer.SendAsync, concurrent", "produce-raw-concurrent"),
        new("consume-raw", "(c) raw Confluent consumer", null),
        new("consume-noop-sqlite", "(d) LogPipe consumer, no-op save, SQLite", "consume-raw"),
        new("consume-upsert-sqlite", "(e) LogPipe consumer, sample upsert, SQLite", "consume-raw"),
        new("consume-upsert-sqlite-per-record", "(e) LogPipe consumer, sample upsert per record, SQLite", "consume-raw"),
        new("consume-noop-postgres", "(f) LogPipe consumer, no-op save, PostgreSQL", "consume-raw"),
        new("consume-upsert-postgres", "(f) LogPipe consumer, sample upsert, PostgreSQL", "consume-raw"),
        new("consume-upsert-postgres-per-record", "(f) LogPipe consumer, sample upsert per record, PostgreSQL", "consume-raw"),
        .. OutboxPhases.Phases,
        .. LatencyPhases.Phases,
    ];

    private readonly BenchmarkOptions _options;
    private readonly TextWriter _log;
    private readonly string _workDirectory;
    private readonly Dictionary<string, string> _facts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _filled = new(StringComparer.Ordinal);
    private BenchmarkBroker? _broker;

    /// <summary>The pass running: the warm-up's topics are its own, so the measured pass starts from empty topics.</summary>
    private string _topicPrefix = "";

    /// <summary>Records per phase in the pass running.</summary>
    private int _count;

    /// <summary>Creates the benchmark.</summary>
    public KafkaBenchmark(BenchmarkOptions options, TextWriter log, string workDirectory)
    {
        _options = options;
        _log = log;
        _workDirectory = workDirectory;
        _count = options.Count;
    }

    /// <summary>Partitions per topic: the option, else enough that the broker's retention keeps every record.</summary>
    public int Partitions => _options.Partitions ?? Math.Max(6, (_options.Count + RecordsPerPartition - 1) / RecordsPerPartition);

    /// <summary>Every measured run's rows, in run order (one run unless <c>--repeat</c>); the last is what <see cref="RunAsync"/> returns.</summary>
    public IReadOnlyList<IReadOnlyList<PhaseResult>> Runs => _runs;

    private readonly List<IReadOnlyList<PhaseResult>> _runs = [];

    /// <summary>Facts about the run worth keeping with the results (partitions, record size, byte equality...).</summary>
    public IReadOnlyDictionary<string, string> Facts => _facts;

    /// <summary>Runs the selected phases and returns one row per selected phase.</summary>
    public async Task<IReadOnlyList<PhaseResult>> RunAsync(CancellationToken cancellationToken)
    {
        var selected = Phases.Where(p => _options.Selects(p.Name)).ToList();
        _facts["partitions"] = Partitions.ToString(CultureInfo.InvariantCulture);
        _facts["broker"] = _options.BrokerInChildProcess ? "development broker (librdkafka mock cluster, 3 brokers) in a child process" : "development broker in this process";
        _facts["record value bytes (person 0)"] = BenchmarkPeople.Value(0).Length.ToString(CultureInfo.InvariantCulture);

        _facts["warm-up records per phase (not measured)"] = _options.WarmUpCount.ToString(CultureInfo.InvariantCulture);
        string[] topics = [Topic, RawTopic, RawConcurrentTopic, ConcurrentTopic, .. OutboxPhases.Phases.Select(p => p.Name), .. LatencyPhases.Phases.Select(p => p.Name)];
        string[] prefixes = [WarmUpPrefix, .. Enumerable.Range(1, _options.Repeat).Select(RunPrefix)];
        await using (_broker = await BenchmarkBroker.StartAsync(_options.BrokerInChildProcess, [.. prefixes.SelectMany(p => topics.Select(t => p + t))], Partitions, cancellationToken).ConfigureAwait(false))
        {
            Log($"broker: {_broker.BootstrapServers}, {Partitions} partitions per topic, {_options.Count:N0} records per phase");
            if (_options.WarmUpCount > 0) await WarmUpAsync(selected, cancellationToken).ConfigureAwait(false);
            for (var run = 1; run <= _options.Repeat; run++)
            {
                if (_options.Repeat > 1) Log($"measured run {run} of {_options.Repeat}");
                _topicPrefix = RunPrefix(run);
                _runs.Add(await PhaseLoop.RunAsync(selected, RunPhaseAsync, _ => null, Log, cancellationToken).ConfigureAwait(false));
            }

            _topicPrefix = "";
            return _runs[^1];
        }
    }

    /// <summary>The topics of measured run <paramref name="run"/> (from 1): the first keeps the plain names, so a single run reads as before.</summary>
    private static string RunPrefix(int run) => run == 1 ? "" : string.Create(CultureInfo.InvariantCulture, $"run-{run}-");

    private const string WarmUpPrefix = "warm-up-";

    /// <summary>
    /// Runs every selected phase once, unmeasured, over fewer records on topics of its own. The JIT compiles a hot path
    /// first quickly and then again, optimized with what it saw (tiered compilation, dynamic PGO), on a background thread
    /// that competes for the same two cores: a cold LogPipe consumer ran its first million records at half the rate of the
    /// next million in one process, while the raw consumer's small loop hardly changed. A service runs for days; the table
    /// compares steady states, baselines and LogPipe alike.
    /// </summary>
    private async Task WarmUpAsync(IReadOnlyList<PhaseDefinition> selected, CancellationToken cancellationToken)
    {
        Log($"warm-up: every selected phase over {_options.WarmUpCount:N0} records on '{WarmUpPrefix}*' topics (not measured)...");
        (_topicPrefix, _count) = (WarmUpPrefix, _options.WarmUpCount);
        try
        {
            foreach (var phase in selected)
            {
                var run = await RunPhaseAsync(phase, cancellationToken).ConfigureAwait(false);
                if (run.Problem is { } problem) throw new InvalidOperationException($"The warm-up of {phase.Name} failed: {problem}");
            }
        }
        finally
        {
            _count = _options.Count;
        }
    }

    /// <summary>A topic of the pass running.</summary>
    private string T(string topic) => _topicPrefix + topic;

    private async Task<PhaseRun> RunPhaseAsync(PhaseDefinition phase, CancellationToken cancellationToken)
    {
        if (phase.Name.StartsWith("consume", StringComparison.Ordinal) && !_filled.Contains(T(Topic))) await SeedAsync(cancellationToken).ConfigureAwait(false);
        if (phase.Name.StartsWith("outbox-", StringComparison.Ordinal))
        {
            var outbox = new OutboxPhases(_options, Partitions, _workDirectory, AppConfiguration, group => ClientSettings(group).ConsumerConfig());
            return await outbox.RunAsync(phase.Name, T(phase.Name), phase.RecordsOf(_count), cancellationToken).ConfigureAwait(false);
        }

        if (phase.Name.StartsWith("latency-", StringComparison.Ordinal) || phase.Name.StartsWith("startup-", StringComparison.Ordinal))
        {
            var latency = new LatencyPhases(_options, _workDirectory, AppConfiguration);
            return await latency.RunAsync(phase.Name, T(phase.Name), phase.RecordsOf(_count), cancellationToken).ConfigureAwait(false);
        }

        return await RunPhaseAsync(phase.Name, cancellationToken).ConfigureAwait(false);
    }

    private Task<PhaseRun> RunPhaseAsync(string phase, CancellationToken cancellationToken) => phase switch
    {
        "produce-raw" => RawProduceAsync(cancellationToken),
        "produce-batch" => BatchProduceAsync(T(Topic), cancellationToken),
        "produce-raw-concurrent" => RawConcurrentProduceAsync(cancellationToken),
        "produce-concurrent" => ConcurrentProduceAsync(cancellationToken),
        "consume-raw" => RawConsumeAsync(cancellationToken),
        "consume-noop-sqlite" => LogPipeConsumeAsync(phase, DatabaseProvider.Sqlite, ConsumerSerializers.NoOp, cancellationToken),
        "consume-upsert-sqlite" => LogPipeConsumeAsync(phase, DatabaseProvider.Sqlite, ConsumerSerializers.SampleUpsert, cancellationToken),
        "consume-noop-postgres" => LogPipeConsumeAsync(phase, DatabaseProvider.Postgres, ConsumerSerializers.NoOp, cancellationToken),
        "consume-upsert-postgres" => LogPipeConsumeAsync(phase, DatabaseProvider.Postgres, ConsumerSerializers.SampleUpsert, cancellationToken),
        "consume-upsert-sqlite-per-record" => LogPipeConsumeAsync(phase, DatabaseProvider.Sqlite, ConsumerSerializers.SampleUpsertPerRecord, cancellationToken),
        "consume-upsert-postgres-per-record" => LogPipeConsumeAsync(phase, DatabaseProvider.Postgres, ConsumerSerializers.SampleUpsertPerRecord, cancellationToken),
        _ => throw new InvalidOperationException($"Unknown phase '{phase}'."),
    };

    /// <summary>(a) Confluent's producer with LogPipe's producer configuration, handed pre-encoded records as fast as it takes them.</summary>
    private async Task<PhaseRun> RawProduceAsync(CancellationToken cancellationToken)
    {
        var count = _count;
        var (keys, values) = EncodeAll("produce-raw");
        var delivered = 0;
        var failed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnDelivered(DeliveryReport<byte[]?, byte[]> report)
        {
            if (report.Error.IsError) Interlocked.Increment(ref failed);
            if (Interlocked.Increment(ref delivered) == count) done.TrySetResult();
        }

        using var meter = PhaseMeter.Start();
        using var producer = new ProducerBuilder<byte[]?, byte[]>(ClientSettings("unused").ProducerConfig()).Build();
        Action<DeliveryReport<byte[]?, byte[]>> handler = OnDelivered;
        for (var i = 0; i < count; i++)
        {
            var message = new Message<byte[]?, byte[]> { Key = keys[i], Value = values[i] };
            while (true)
            {
                try
                {
                    producer.Produce(T(RawTopic), message, handler);
                    break;
                }
                catch (ProduceException<byte[]?, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    // librdkafka's queue is full: give the delivery reports a moment to drain it.
                    Thread.Sleep(1);
                }
            }
        }

        await done.Task.WaitAsync(_options.PhaseTimeout, cancellationToken).ConfigureAwait(false);
        var measurement = meter.Stop(count);
        GC.KeepAlive(values);
        return new PhaseRun(measurement, Problem: failed == 0 ? null : $"{failed} deliveries failed");
    }

    /// <summary>
    /// (a) Confluent's <c>ProduceAsync</c> from as many concurrent callers as the SendAsync phase has, each awaiting its
    /// delivery: the like-for-like baseline of <c>IProducer.SendAsync</c>, which also completes per record.
    /// </summary>
    private async Task<PhaseRun> RawConcurrentProduceAsync(CancellationToken cancellationToken)
    {
        var count = _count;
        var callers = Math.Min(_options.Concurrency, count);
        var (keys, values) = EncodeAll("produce-raw-concurrent");
        using var meter = PhaseMeter.Start();
        using var producer = new ProducerBuilder<byte[]?, byte[]>(ClientSettings("unused").ProducerConfig()).Build();
        var next = -1;
        async Task CallerAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await producer.ProduceAsync(T(RawConcurrentTopic), new Message<byte[]?, byte[]> { Key = keys[i], Value = values[i] }, cancellationToken).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(CallerAsync, cancellationToken)))
            .WaitAsync(_options.PhaseTimeout, cancellationToken).ConfigureAwait(false);
        var measurement = meter.Stop(count);
        GC.KeepAlive(values);
        return new PhaseRun(measurement, string.Create(CultureInfo.InvariantCulture, $"{callers:N0} concurrent callers"));
    }

    /// <summary>
    /// The raw phases' input, encoded before their clock starts: the baseline is the client alone. These arrays are the
    /// run's only O(count) memory.
    /// </summary>
    private (byte[][] Keys, byte[][] Values) EncodeAll(string phase)
    {
        var count = _count;
        var encoding = System.Diagnostics.Stopwatch.StartNew();
        var keys = new byte[count][];
        var values = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            keys[i] = BenchmarkPeople.Key(i);
            values[i] = BenchmarkPeople.Value(i);
        }

        Log(string.Create(CultureInfo.InvariantCulture, $"{phase}: encoded {count:N0} records in {encoding.Elapsed.TotalSeconds:F1} s (not measured)"));
        return (keys, values);
    }

    /// <summary>(b) <c>IProducer&lt;Person&gt;.SendBatchAsync</c> in batches, a few batches in flight.</summary>
    private async Task<PhaseRun> BatchProduceAsync(string topic, CancellationToken cancellationToken)
    {
        var batchSize = _options.BatchSize ?? 10_000;
        await using var app = LogPipeApp.Create(new LogPipeAppSettings { UseTransport = l => l.UseKafka(), Configuration = AppConfiguration("producer"), ProduceTo = topic });
        var measurement = await LogPipePhases.SendInBatchesAsync(app, _count, batchSize, BatchesInFlight, _options.PhaseTimeout, cancellationToken).ConfigureAwait(false);
        _filled.Add(topic);
        return new PhaseRun(measurement, string.Create(CultureInfo.InvariantCulture, $"batches of {batchSize:N0}, {BatchesInFlight} in flight"));
    }

    /// <summary>(b) <c>IProducer&lt;Person&gt;.SendAsync</c> from many concurrent callers, as a busy web API would call it.</summary>
    private async Task<PhaseRun> ConcurrentProduceAsync(CancellationToken cancellationToken)
    {
        var count = _count;
        var callers = Math.Min(_options.Concurrency, count);
        await using var app = LogPipeApp.Create(new LogPipeAppSettings { UseTransport = l => l.UseKafka(), Configuration = AppConfiguration("producer"), ProduceTo = T(ConcurrentTopic) });
        // One model per caller, made before the clock and refilled after each completed send (see BenchmarkPeople.Fill).
        var models = Enumerable.Range(0, callers).Select(BenchmarkPeople.Person).ToArray();
        using var meter = PhaseMeter.Start();
        var producer = app.Producer;
        var next = -1;
        async Task CallerAsync(Person model)
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count) await producer.SendAsync(BenchmarkPeople.Fill(model, i), cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(models.Select(m => Task.Run(() => CallerAsync(m), cancellationToken)))
            .WaitAsync(_options.PhaseTimeout, cancellationToken).ConfigureAwait(false);
        return new PhaseRun(meter.Stop(count), string.Create(CultureInfo.InvariantCulture, $"{callers:N0} concurrent callers"));
    }

    /// <summary>(c) Confluent's consumer with LogPipe's consumer configuration, reading the topic to the end.</summary>
    private async Task<PhaseRun> RawConsumeAsync(CancellationToken cancellationToken)
    {
        var count = _count;
        var config = ClientSettings("bench-raw-" + Guid.NewGuid().ToString("N")[..8]).ConsumerConfig();
        using var meter = PhaseMeter.Start();
        var (read, sameBytes) = await Task.Factory.StartNew(
            () =>
            {
                using var consumer = new ConsumerBuilder<byte[]?, byte[]>(config).Build();
                consumer.Subscribe(T(Topic));
                var deadline = DateTime.UtcNow + _options.PhaseTimeout;
                var n = 0;
                bool? same = null;
                long bytes = 0;
                while (n < count && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
                {
                    var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                    if (result?.Message is not { } message || result.IsPartitionEOF) continue;
                    // Proof that the baseline producer sends what LogPipe sends: LogPipe wrote this record.
                    same ??= message.Key is { } key && message.Value.AsSpan().SequenceEqual(BenchmarkPeople.Value(BenchmarkPeople.IndexOf(key)));
                    bytes += message.Value.Length;
                    n++;
                }

                _ = meter.Stop(n);
                consumer.Close();
                return (n, same);
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).ConfigureAwait(false);
        if (read < count) throw new TimeoutException($"The raw consumer read {read} of {count} records within {_options.PhaseTimeout}.");
        _facts["LogPipe record bytes equal the raw baseline's"] = sameBytes == true ? "yes" : "NO";
        return new PhaseRun(meter.Stop(read), Problem: sameBytes == true ? null : "LogPipe's record differs from the baseline's bytes");
    }

    /// <summary>(d), (e), (f) LogPipe's hosted consumer service applying the topic into a database, EF Core checkpoints.</summary>
    private async Task<PhaseRun> LogPipeConsumeAsync(string phase, DatabaseProvider provider, ConsumerSerializers serializers, CancellationToken cancellationToken)
    {
        await using var database = provider == DatabaseProvider.Sqlite
            ? await BenchmarkDatabase.CreateSqliteAsync(_workDirectory, phase).ConfigureAwait(false)
            : await BenchmarkDatabase.CreatePostgresAsync(_options.Postgres).ConfigureAwait(false);
        var settings = new LogPipeAppSettings
        {
            UseTransport = l => l.UseKafka(),
            Configuration = AppConfiguration("bench-" + phase + "-" + Guid.NewGuid().ToString("N")[..8]),
            Database = database,
            DatabaseProfile = _options.DatabaseProfile ? new DatabaseCallProfile() : null,
            ConsumeFrom = T(Topic),
            Serializers = serializers,
            Progress = new ApplyProgress(),
        };
        return await LogPipePhases.ConsumeAsync(settings, _count, _options.PhaseTimeout, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fills <see cref="Topic"/> for consumer phases when the batch producer phase was not selected; not measured.</summary>
    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        Log($"seeding '{T(Topic)}' with {_count:N0} records through LogPipe's producer (not measured)...");
        _ = await BatchProduceAsync(T(Topic), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Client settings exactly as <c>UseKafka()</c> builds them for the apps (<see cref="AppConfiguration"/>).</summary>
    private KafkaClientSettings ClientSettings(string groupId)
    {
        var options = new KafkaOptions { BootstrapServers = _broker!.BootstrapServers };
        foreach (var (key, value) in DevelopmentBrokerConsumerSettings) options.Consumer[key] = value;
        return new KafkaClientSettings(options, _broker.BootstrapServers, groupId);
    }

    /// <summary>
    /// What LogPipe sets by itself for <c>BootstrapServers = embedded</c>; the benchmark gives the broker's address instead,
    /// so it sets them through configuration, for the apps and (through <see cref="ClientSettings"/>) the raw clients alike.
    /// </summary>
    private static readonly KeyValuePair<string, string>[] DevelopmentBrokerConsumerSettings =
    [
        new("session.timeout.ms", "2000"),
        new("heartbeat.interval.ms", "500"),
        new("fetch.queue.backoff.ms", "10"),
        new("fetch.wait.max.ms", KafkaClientSettings.EmbeddedFetchWaitMaxMs),
    ];

    private Dictionary<string, string?> AppConfiguration(string consumerGroup)
    {
        var configuration = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Transport"] = "Kafka",
            ["ProducerId"] = BenchmarkPeople.ProducerId,
            ["ConsumerGroup"] = consumerGroup,
            ["Kafka:BootstrapServers"] = _broker!.BootstrapServers,
        };
        foreach (var (key, value) in DevelopmentBrokerConsumerSettings) configuration["Kafka:Consumer:" + key] = value;
        if (_options.UnitSize is { } unit) configuration["UnitOfWork:MaxRecords"] = unit.ToString(CultureInfo.InvariantCulture);
        return configuration;
    }

    private void Log(string line)
    {
        if (!_options.Quiet) _log.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
    }
}
