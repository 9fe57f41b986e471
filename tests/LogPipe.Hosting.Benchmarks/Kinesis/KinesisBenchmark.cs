using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using LogPipe.Hosting.Benchmarks.Apps;
using LogPipe.Hosting.Benchmarks.Databases;
using LogPipe.Hosting.Benchmarks.Measurement;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Benchmarks.Kinesis;

/// <summary>
/// <c>kinesis</c> mode: against one kinesalite, the raw Kinesis client (PutRecords, GetRecords) beside LogPipe's producer
/// and consumer service. Both sides send the same bytes under the same partition keys, keep the same number of PutRecords
/// calls in flight, and read with the same page size and per-shard call interval (Kinesis allows 5 calls/s per shard).
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The server and client live only inside RunAsync, which disposes them.")]
public sealed class KinesisBenchmark
{
    /// <summary>The stream LogPipe's producer fills and the consumer phases read.</summary>
    public const string Stream = "people";

    /// <summary>The stream of the raw producer.</summary>
    public const string RawStream = "people-raw";

    private const string AccessKey = "AKIDBENCHMARK";
    private const string SecretKey = "kinesalite-benchmark-secret";
    private const string Region = "us-east-1";

    /// <summary>Most entries in one PutRecords call (the service limit).</summary>
    private const int PutBatch = 500;

    /// <summary>PutRecords calls in flight: LogPipe's <c>MaxConcurrentPuts</c> default.</summary>
    private const int PutsInFlight = 4;

    /// <summary>GetRecords page size, raw and LogPipe (<c>MaxRecordsPerRead</c>); the service's maximum.</summary>
    private const int ReadLimit = 10_000;

    /// <summary>Shortest time between two GetRecords calls on one shard, raw and LogPipe (<c>PollIntervalMs</c>).</summary>
    private const int PollIntervalMs = 200;

    /// <summary>The rows, in the order they run.</summary>
    public static readonly IReadOnlyList<PhaseDefinition> Phases =
    [
        new("produce-raw", "raw Kinesis client PutRecords, same bytes", null),
        new("produce-batch", "LogPipe IProducer.SendBatchAsync", "produce-raw"),
        new("consume-raw", "raw Kinesis client GetRecords", null),
        new("consume-noop-sqlite", "LogPipe consumer, no-op save, SQLite", "consume-raw"),
        new(ThreeInstancesPhase, "3 LogPipe consumers sharing shard leases, no-op save, one SQLite file", "consume-noop-sqlite"),
    ];

    /// <summary>Three instances of one consumer group against the single instance of <c>consume-noop-sqlite</c>.</summary>
    public const string ThreeInstancesPhase = "consume-noop-sqlite-3-instances";

    /// <summary>
    /// How often the instances of the multi-instance phase renew and take leases: quicker than the default (3 s), so the
    /// shards are split between them within the first seconds of the phase rather than after most of it.
    /// </summary>
    private const string LeaseRenewInterval = "00:00:00.500";

    private readonly BenchmarkOptions _options;
    private readonly TextWriter _log;
    private readonly string _workDirectory;
    private readonly Dictionary<string, string> _facts = new(StringComparer.Ordinal);
    private KinesaliteHost? _server;
    private KinesisClient? _client;
    private bool _streamFilled;

    /// <summary>Creates the benchmark.</summary>
    public KinesisBenchmark(BenchmarkOptions options, TextWriter log, string workDirectory)
    {
        _options = options;
        _log = log;
        _workDirectory = workDirectory;
    }

    /// <summary>Facts about the run worth keeping with the results.</summary>
    public IReadOnlyDictionary<string, string> Facts => _facts;

    /// <summary>Runs the selected phases and returns one row per selected phase.</summary>
    public async Task<IReadOnlyList<PhaseResult>> RunAsync(CancellationToken cancellationToken)
    {
        var selected = Phases.Where(p => _options.Selects(p.Name)).ToList();
        _facts["server"] = "kinesalite 3.3.3 (one Node process, in memory)";
        _facts["shards"] = _options.Shards.ToString(CultureInfo.InvariantCulture);

        await using (_server = await KinesaliteHost.StartAsync().ConfigureAwait(false))
        {
            using (_client = new KinesisClient(ClientOptions()))
            {
                await CreateStreamAsync(Stream, cancellationToken).ConfigureAwait(false);
                await CreateStreamAsync(RawStream, cancellationToken).ConfigureAwait(false);
                Log($"kinesalite: {_server.ServiceUrl}, {_options.Shards} shards per stream, {_options.Count:N0} records per phase");
                return await PhaseLoop.RunAsync(
                    selected,
                    RunPhaseAsync,
                    _ => null,
                    Log,
                    cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<PhaseRun> RunPhaseAsync(PhaseDefinition phase, CancellationToken cancellationToken)
    {
        if (phase.Name.StartsWith("consume", StringComparison.Ordinal) && !_streamFilled) await SeedAsync(cancellationToken).ConfigureAwait(false);
        return await RunPhaseAsync(phase.Name, cancellationToken).ConfigureAwait(false);
    }

    private Task<PhaseRun> RunPhaseAsync(string phase, CancellationToken cancellationToken) => phase switch
    {
        "produce-raw" => RawProduceAsync(RawStream, cancellationToken),
        "consume-raw" => RawConsumeAsync(cancellationToken),
        "produce-batch" => BatchProduceAsync(cancellationToken),
        "consume-noop-sqlite" => LogPipeConsumeAsync(phase, 1, cancellationToken),
        ThreeInstancesPhase => LogPipeConsumeAsync(phase, 3, cancellationToken),
        _ => throw new InvalidOperationException($"Unknown phase '{phase}'."),
    };

    /// <summary>PutRecords of pre-encoded records, 500 per call, <see cref="PutsInFlight"/> calls in flight.</summary>
    private async Task<PhaseRun> RawProduceAsync(string stream, CancellationToken cancellationToken)
    {
        var count = _options.Count;
        var batches = new List<PutRecordsRequest>();
        for (var start = 0; start < count; start += PutBatch)
        {
            batches.Add(new PutRecordsRequest
            {
                StreamName = stream,
                Records = [.. Enumerable.Range(start, Math.Min(PutBatch, count - start)).Select(i => new PutRecordsRequestEntry
                {
                    PartitionKey = BenchmarkPeople.Uuid(i).ToString("D"),
                    Data = BenchmarkPeople.Value(i),
                })],
            });
        }

        var failed = 0;
        using var meter = PhaseMeter.Start();
        var next = -1;
        async Task PutterAsync()
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches.Count)
            {
                var request = batches[b];
                // Like any careful client: put the failed entries again until none is left.
                for (var attempt = 0; request.Records!.Count > 0; attempt++)
                {
                    var response = await _client!.PutRecordsAsync(request, cancellationToken).ConfigureAwait(false);
                    if (response.FailedRecordCount is null or 0) break;
                    if (attempt == 10)
                    {
                        Interlocked.Add(ref failed, response.FailedRecordCount.Value);
                        break;
                    }

                    request = new PutRecordsRequest { StreamName = stream, Records = [.. request.Records.Where((_, i) => response.Records![i].ErrorCode is not null)] };
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, PutsInFlight).Select(_ => Task.Run(PutterAsync, cancellationToken)))
            .WaitAsync(_options.PhaseTimeout, cancellationToken).ConfigureAwait(false);
        var measurement = meter.Stop(count - failed);
        if (stream == Stream) _streamFilled = true;
        return new PhaseRun(measurement, string.Create(CultureInfo.InvariantCulture, $"{PutBatch} per call, {PutsInFlight} calls in flight"), failed == 0 ? null : $"{failed} records not put");
    }

    /// <summary>GetRecords on every shard in parallel from TRIM_HORIZON, pages of 10,000, at most 5 calls/s per shard.</summary>
    private async Task<PhaseRun> RawConsumeAsync(CancellationToken cancellationToken)
    {
        var count = _options.Count;
        var read = 0;
        bool? sameBytes = null;
        using var meter = PhaseMeter.Start();
        var client = _client!;
        var shards = await client.ListAllShardsAsync(Stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        using var enough = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        enough.CancelAfter(_options.PhaseTimeout);
        async Task ReadShardAsync(Shard shard)
        {
            var iterator = (await client.GetShardIteratorAsync(
                new GetShardIteratorRequest { StreamName = Stream, ShardId = shard.ShardId, ShardIteratorType = ShardIteratorType.TRIM_HORIZON },
                enough.Token).ConfigureAwait(false)).ShardIterator;
            var pace = Stopwatch.StartNew();
            while (iterator is not null && Volatile.Read(ref read) < count && !enough.IsCancellationRequested)
            {
                var wait = PollIntervalMs - (int)pace.ElapsedMilliseconds;
                if (wait > 0) await Task.Delay(wait, enough.Token).ConfigureAwait(false); // pacing: one GetRecords per poll interval, as the transport reads
                pace.Restart();
                var page = await client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = ReadLimit }, enough.Token).ConfigureAwait(false);
                if (page.Records is { Count: > 0 } records)
                {
                    var first = records[0];
                    sameBytes ??= first.Data.Span.SequenceEqual(BenchmarkPeople.Value(BenchmarkPeople.IndexOf(System.Text.Encoding.UTF8.GetBytes(first.PartitionKey ?? ""))));
                    if (Interlocked.Add(ref read, records.Count) >= count) break;
                }

                iterator = page.NextShardIterator;
            }
        }

        try
        {
            await Task.WhenAll(shards.Select(ReadShardAsync)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The raw consumer read {read} of {count} records within {_options.PhaseTimeout}.");
        }

        var measurement = meter.Stop(read);
        _facts["LogPipe record bytes equal the raw baseline's"] = sameBytes == true ? "yes" : "NO";
        return new PhaseRun(measurement, string.Create(CultureInfo.InvariantCulture, $"{shards.Count} shards, pages of {ReadLimit:N0}, {PollIntervalMs} ms apart"), sameBytes == true ? null : "record bytes differ from the baseline's");
    }

    /// <summary>LogPipe's <c>IProducer&lt;Person&gt;.SendBatchAsync</c>, batches of 500, <see cref="PutsInFlight"/> batches in flight.</summary>
    private async Task<PhaseRun> BatchProduceAsync(CancellationToken cancellationToken)
    {
        var batchSize = _options.BatchSize ?? PutBatch;
        await using var app = LogPipeApp.Create(new LogPipeAppSettings { UseTransport = l => l.UseKinesis(), Configuration = AppConfiguration("producer"), ProduceTo = Stream });
        var measurement = await LogPipePhases.SendInBatchesAsync(app, _options.Count, batchSize, PutsInFlight, _options.PhaseTimeout, cancellationToken).ConfigureAwait(false);
        _streamFilled = true;
        return new PhaseRun(measurement, string.Create(CultureInfo.InvariantCulture, $"batches of {batchSize:N0}, {PutsInFlight} in flight"));
    }

    /// <summary>
    /// LogPipe's hosted consumer service with a no-op save, EF Core checkpoints in a SQLite file; with several
    /// <paramref name="instances"/>, that many hosts in this process share the file and split the shards through leases.
    /// </summary>
    private async Task<PhaseRun> LogPipeConsumeAsync(string phase, int instances, CancellationToken cancellationToken)
    {
        await using var database = await BenchmarkDatabase.CreateSqliteAsync(_workDirectory, "kinesis-" + phase).ConfigureAwait(false);
        var configuration = AppConfiguration("bench-" + phase + "-" + Guid.NewGuid().ToString("N")[..8]);
        if (instances > 1) configuration["Kinesis:Leases:RenewInterval"] = LeaseRenewInterval;
        var settings = new LogPipeAppSettings
        {
            UseTransport = l => l.UseKinesis(),
            Configuration = configuration,
            Database = database,
            DatabaseProfile = _options.DatabaseProfile ? new DatabaseCallProfile() : null,
            ConsumeFrom = Stream,
            Serializers = ConsumerSerializers.NoOp,
            Progress = new ApplyProgress(),
        };
        var note = string.Create(CultureInfo.InvariantCulture, $"pages of {ReadLimit:N0}, {PollIntervalMs} ms apart");
        if (instances > 1) note += string.Create(CultureInfo.InvariantCulture, $"; {instances} hosts in one process, leases renewed every {LeaseRenewInterval}");

        return await LogPipePhases.ConsumeAsync(settings, _options.Count, _options.PhaseTimeout, note, cancellationToken, instances).ConfigureAwait(false);
    }

    /// <summary>Fills <see cref="Stream"/> for the consumer phases with the raw client (same bytes); not measured.</summary>
    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        Log($"seeding '{Stream}' with {_options.Count:N0} records (not measured)...");
        _ = await RawProduceAsync(Stream, cancellationToken).ConfigureAwait(false);
    }

    private async Task CreateStreamAsync(string name, CancellationToken cancellationToken)
    {
        await _client!.CreateStreamAsync(new CreateStreamRequest { StreamName = name, ShardCount = _options.Shards }, cancellationToken).ConfigureAwait(false);
        await _client.WaitForStreamActiveAsync(name, TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
    }

    private KinesisClientOptions ClientOptions() => new()
    {
        Region = Region,
        ServiceUrl = _server!.ServiceUrl,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
    };

    private Dictionary<string, string?> AppConfiguration(string consumerGroup)
    {
        var c = CultureInfo.InvariantCulture;
        var configuration = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Transport"] = "Kinesis",
            ["ProducerId"] = BenchmarkPeople.ProducerId,
            ["ConsumerGroup"] = consumerGroup,
            ["Kinesis:Region"] = Region,
            ["Kinesis:ServiceUrl"] = _server!.ServiceUrl.ToString(),
            ["Kinesis:AccessKey"] = AccessKey,
            ["Kinesis:SecretKey"] = SecretKey,
            ["Kinesis:MaxRecordsPerRead"] = ReadLimit.ToString(c),
            ["Kinesis:PollIntervalMs"] = PollIntervalMs.ToString(c),
            ["Kinesis:MaxConcurrentPuts"] = PutsInFlight.ToString(c),
        };
        if (_options.UnitSize is { } unit) configuration["UnitOfWork:MaxRecords"] = unit.ToString(c);
        return configuration;
    }

    private void Log(string line)
    {
        if (!_options.Quiet) _log.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
    }
}
