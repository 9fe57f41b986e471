using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.TestSupport;
using Record = LogPipe.Hosting.Kinesis.Client.Model.Record;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// A Kinesis stream on kinesalite, created for one scenario and read back straight from the server — never through the
/// scenario's fault proxy — to judge the run: where each shard ends (how many records, the last sequence number) and
/// which people it holds, like <see cref="TopicLog"/> for a Kafka topic.
/// </summary>
public sealed class KinesisStreamLog : IDisposable
{
    private const int PageSize = 10_000; // the most GetRecords returns at once
    private readonly KinesisClient _client;

    private KinesisStreamLog(KinesisClient client, string stream)
    {
        _client = client;
        Stream = stream;
    }

    public string Stream { get; }

    /// <summary>Creates <paramref name="stream"/> with <paramref name="shards"/> shards on the server at <paramref name="serviceUrl"/>, and waits until it is active.</summary>
    public static async Task<KinesisStreamLog> CreateAsync(Uri serviceUrl, string stream, int shards)
    {
        var client = new KinesisClient(new KinesisClientOptions
        {
            Region = "us-east-1",
            ServiceUrl = serviceUrl,
            AccessKey = KinesisTestSettings.AccessKey,
            SecretKey = KinesisTestSettings.SecretKey,
            RequestTimeout = TimeSpan.FromSeconds(30),
        });
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client.CreateStreamAsync(new CreateStreamRequest { StreamName = stream, ShardCount = shards }, timeout.Token);
            await client.WaitForStreamActiveAsync(stream, TimeSpan.FromMilliseconds(20), timeout.Token);
            return new KinesisStreamLog(client, stream);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The end of every shard that holds records: how many it holds and the last one's sequence number.</summary>
    public async Task<Dictionary<string, LogPosition>> EndsAsync()
    {
        var ends = new Dictionary<string, LogPosition>(StringComparer.Ordinal);
        foreach (var (shard, records) in await ReadAllAsync())
        {
            if (records.Count > 0) ends[shard] = new LogPosition(records.Count, records[^1].SequenceNumber);
        }

        return ends;
    }

    /// <summary>How often each person's uuid occurs on the stream (a record put twice occurs twice).</summary>
    public async Task<Dictionary<Guid, int>> PersonOccurrencesAsync()
    {
        var counts = new Dictionary<Guid, int>();
        foreach (var (_, records) in await ReadAllAsync())
        {
            foreach (var record in records) PersonRecords.Count(counts, record.Data);
        }

        return counts;
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Every record of every shard, oldest first. kinesalite answers an empty page only at a shard's end.</summary>
    private async Task<List<(string Shard, List<Record> Records)>> ReadAllAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var shards = await _client.ListAllShardsAsync(Stream, cancellationToken: timeout.Token);
        var all = new List<(string, List<Record>)>();
        foreach (var shard in shards)
        {
            var records = new List<Record>();
            var iterator = (await _client.GetShardIteratorAsync(
                new GetShardIteratorRequest { StreamName = Stream, ShardId = shard.ShardId, ShardIteratorType = ShardIteratorType.TRIM_HORIZON },
                timeout.Token)).ShardIterator;
            while (iterator is not null)
            {
                var page = await _client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = PageSize }, timeout.Token);
                if (page.Records is not { Count: > 0 }) break;
                records.AddRange(page.Records);
                iterator = page.NextShardIterator;
            }

            all.Add((shard.ShardId!, records));
        }

        return all;
    }
}
