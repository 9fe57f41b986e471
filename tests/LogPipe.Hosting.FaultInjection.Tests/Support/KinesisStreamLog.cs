using System.Globalization;
using System.Numerics;
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

    /// <summary>Splits the open shard with the widest hash key range in two halves; returns the id of the shard split.</summary>
    public async Task<string> SplitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var widest = (await OpenShardsAsync(timeout.Token)).MaxBy(s => s.End - s.Start);
        await _client.SplitShardAsync(
            new SplitShardRequest { StreamName = Stream, ShardToSplit = widest.Id, NewStartingHashKey = ((widest.Start + widest.End + 1) / 2).ToString(CultureInfo.InvariantCulture) },
            timeout.Token);
        await _client.WaitForStreamActiveAsync(Stream, TimeSpan.FromMilliseconds(20), timeout.Token);
        return widest.Id;
    }

    /// <summary>Merges the first two open shards whose hash key ranges touch; returns their ids.</summary>
    public async Task<(string Shard, string Adjacent)> MergeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var open = (await OpenShardsAsync(timeout.Token)).OrderBy(s => s.Start).ToList();
        var (shard, adjacent) = open.Zip(open.Skip(1)).First(pair => pair.First.End + 1 == pair.Second.Start);
        await _client.MergeShardsAsync(new MergeShardsRequest { StreamName = Stream, ShardToMerge = shard.Id, AdjacentShardToMerge = adjacent.Id }, timeout.Token);
        await _client.WaitForStreamActiveAsync(Stream, TimeSpan.FromMilliseconds(20), timeout.Token);
        return (shard.Id, adjacent.Id);
    }

    public void Dispose() => _client.Dispose();

    private async Task<List<(string Id, BigInteger Start, BigInteger End)>> OpenShardsAsync(CancellationToken cancellationToken) =>
        [.. (await _client.ListAllShardsAsync(Stream, cancellationToken: cancellationToken))
            .Where(s => s.SequenceNumberRange?.EndingSequenceNumber is null)
            .Select(s => (s.ShardId!, BigInteger.Parse(s.HashKeyRange!.StartingHashKey!, CultureInfo.InvariantCulture), BigInteger.Parse(s.HashKeyRange.EndingHashKey!, CultureInfo.InvariantCulture)))];

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
