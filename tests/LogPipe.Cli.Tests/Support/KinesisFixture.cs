using System.Diagnostics.CodeAnalysis;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Cli.Tests.Support;

/// <summary>One kinesalite server for a test class (<see cref="KinesaliteHost"/>); the tool reaches it as another process would.</summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xunit disposes fixtures through IAsyncLifetime.DisposeAsync.")]
public sealed class KinesisFixture : IAsyncLifetime
{
    private KinesaliteHost? _server;
    private KinesisClient? _client;

    public Uri ServiceUrl => _server?.ServiceUrl ?? throw new InvalidOperationException("The fixture is not started.");

    internal IKinesisClient Client => _client ?? throw new InvalidOperationException("The fixture is not started.");

    /// <summary>Creates a stream with a name no other test uses and waits until it is active.</summary>
    public async Task<string> NewStreamAsync(int shards)
    {
        var name = "s-" + Guid.NewGuid().ToString("N");
        using var timeout = new CancellationTokenSource(LogPipeProcess.Patience);
        await Client.CreateStreamAsync(new CreateStreamRequest { StreamName = name, ShardCount = shards }, timeout.Token);
        await Client.WaitForStreamActiveAsync(name, TimeSpan.FromMilliseconds(20), timeout.Token);
        return name;
    }

    /// <summary>Puts one record (<paramref name="data"/>, else <c>{}</c>) at <paramref name="explicitHashKey"/> and returns the shard it went to and its sequence number.</summary>
    public async Task<(string ShardId, string SequenceNumber)> PutAsync(string stream, string explicitHashKey, byte[]? data = null)
    {
        var response = await Client.PutRecordsAsync(new PutRecordsRequest
        {
            StreamName = stream,
            Records = [new PutRecordsRequestEntry { Data = data ?? "{}"u8.ToArray(), PartitionKey = "k", ExplicitHashKey = explicitHashKey }],
        });
        var result = Assert.Single(response.Records!);
        Assert.Null(result.ErrorCode);
        return (result.ShardId!, result.SequenceNumber!);
    }

    /// <summary>Puts records as another service would (django-logpipe, say), one call each, in order; returns their sequence numbers.</summary>
    public async Task<List<string>> PutAsync(string stream, params (string Key, byte[] Data)[] records)
    {
        var sequences = new List<string>();
        foreach (var (key, data) in records)
        {
            var response = await Client.PutRecordsAsync(new PutRecordsRequest
            {
                StreamName = stream,
                Records = [new PutRecordsRequestEntry { Data = data, PartitionKey = key }],
            });
            var result = Assert.Single(response.Records!);
            Assert.Null(result.ErrorCode);
            sequences.Add(result.SequenceNumber!);
        }

        return sequences;
    }

    /// <summary>
    /// Puts one record at <paramref name="explicitHashKey"/> once the clock has passed the arrival of the shard's last
    /// record, so that arrival timestamps differ; returns its sequence number and arrival as kinesalite stamped it.
    /// </summary>
    public async Task<(string SequenceNumber, DateTimeOffset Arrival)> PutLaterAsync(string stream, string shardId, string explicitHashKey)
    {
        var before = await ArrivalsAsync(stream, shardId);
        if (before.Count > 0)
        {
            var last = before[^1].Arrival;
            await Eventually.TrueAsync(() => DateTimeOffset.UtcNow > last.AddMilliseconds(5), LogPipeProcess.Patience, "the clock passes the last arrival");
        }

        var (_, sequence) = await PutAsync(stream, explicitHashKey);
        var arrivals = await ArrivalsAsync(stream, shardId);
        var (_, arrival) = Assert.Single(arrivals, a => a.SequenceNumber == sequence);
        Assert.True(before.Count == 0 || arrival > before[^1].Arrival, "kinesalite stamped a later arrival");
        return (sequence, arrival);
    }

    /// <summary>Every record of a shard with its arrival timestamp, from the trim horizon.</summary>
    public async Task<List<(string SequenceNumber, DateTimeOffset Arrival)>> ArrivalsAsync(string stream, string shardId)
    {
        var iterator = (await Client.GetShardIteratorAsync(
            new GetShardIteratorRequest { StreamName = stream, ShardId = shardId, ShardIteratorType = ShardIteratorType.TRIM_HORIZON }, CancellationToken.None)).ShardIterator;
        var page = await Client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = 1000 }, CancellationToken.None);
        return [.. (page.Records ?? []).Select(r => (r.SequenceNumber!, new DateTimeOffset(DateTime.SpecifyKind(r.ApproximateArrivalTimestamp!.Value, DateTimeKind.Utc))))];
    }

    public async Task InitializeAsync()
    {
        _server = await KinesaliteHost.StartAsync();
        _client = new KinesisClient(new KinesisClientOptions
        {
            Region = "us-east-1",
            ServiceUrl = _server.ServiceUrl,
            AccessKey = KinesisTestSettings.AccessKey,
            SecretKey = KinesisTestSettings.SecretKey,
        });
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
    }
}
