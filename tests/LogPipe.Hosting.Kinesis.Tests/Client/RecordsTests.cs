using System.Globalization;
using System.Numerics;
using System.Text;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using Record = LogPipe.Hosting.Kinesis.Client.Model.Record;

namespace LogPipe.Hosting.Kinesis.Tests.Client;

[Collection(SharedKinesalite.Name)]
public sealed class RecordsTests(KinesaliteFixture kinesalite)
{
    [Fact]
    public async Task Every_record_put_across_shards_is_read_back_exactly_once_with_its_data()
    {
        var name = await kinesalite.CreateStreamAsync("roundtrip", shardCount: 4);
        using var client = kinesalite.CreateClient();
        var before = DateTime.UtcNow.AddSeconds(-2);

        // Binary payloads (every byte value) prove the base64 round trip, not just text.
        var sent = Enumerable.Range(0, 1200)
            .Select(i => new PutRecordsRequestEntry { PartitionKey = $"person-{i}", Data = Payload(i) })
            .ToList();
        var written = new Dictionary<string, (int Index, string ShardId)>();
        foreach (var batch in sent.Chunk(500))
        {
            var response = await client.PutRecordsAsync(new PutRecordsRequest { StreamName = name, Records = [.. batch] });

            Assert.Equal(0, response.FailedRecordCount);
            Assert.Equal(batch.Length, response.Records!.Count);
            for (var i = 0; i < batch.Length; i++)
            {
                var result = response.Records[i];
                Assert.Null(result.ErrorCode);
                written.Add(result.SequenceNumber!, (sent.IndexOf(batch[i]), result.ShardId!));
            }
        }

        var after = DateTime.UtcNow.AddSeconds(2);
        var shards = await client.ListAllShardsAsync(name);
        var read = new List<(string ShardId, Record Record)>();
        foreach (var shard in shards)
        {
            var records = await client.ReadToTipAsync(name, shard.ShardId!, ShardIteratorType.TRIM_HORIZON);
            read.AddRange(records.Select(r => (shard.ShardId!, r)));

            var sequence = records.Select(r => BigInteger.Parse(r.SequenceNumber!, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(sequence.Order(), sequence);
        }

        Assert.Equal(1200, read.Count);
        Assert.Equal(1200, read.Select(r => r.Record.SequenceNumber).Distinct().Count());
        Assert.Equal(4, read.Select(r => r.ShardId).Distinct().Count());
        foreach (var (shardId, record) in read)
        {
            var (index, writtenTo) = written[record.SequenceNumber!];
            Assert.Equal(writtenTo, shardId);
            Assert.Equal($"person-{index}", record.PartitionKey);
            Assert.Equal(Payload(index), record.Data.ToArray());
            Assert.Equal(DateTimeKind.Utc, record.ApproximateArrivalTimestamp!.Value.Kind);
            Assert.InRange(record.ApproximateArrivalTimestamp.Value, before, after);
        }
    }

    [Fact]
    public async Task AFTER_SEQUENCE_NUMBER_resumes_after_the_given_record_and_AT_SEQUENCE_NUMBER_at_it()
    {
        var name = await kinesalite.CreateStreamAsync("resume", shardCount: 2);
        using var client = kinesalite.CreateClient();
        var put = await client.PutTextsAsync(name, "one-key", Enumerable.Range(0, 10).Select(i => $"event-{i}"));
        var shardId = put.Records![0].ShardId!;
        var checkpoint = put.Records[3].SequenceNumber!;

        var after = await client.ReadToTipAsync(name, shardId, ShardIteratorType.AFTER_SEQUENCE_NUMBER, checkpoint);
        var at = await client.ReadToTipAsync(name, shardId, ShardIteratorType.AT_SEQUENCE_NUMBER, checkpoint);

        Assert.Equal(Enumerable.Range(4, 6).Select(i => $"event-{i}"), after.Select(r => r.Text()));
        Assert.Equal(Enumerable.Range(3, 7).Select(i => $"event-{i}"), at.Select(r => r.Text()));
    }

    [Fact]
    public async Task LATEST_reads_only_records_written_after_the_iterator()
    {
        var name = await kinesalite.CreateStreamAsync("latest", shardCount: 1);
        using var client = kinesalite.CreateClient();
        await client.PutTextsAsync(name, "k", ["old-1", "old-2"]);

        var iterator = await client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = name,
            ShardId = "shardId-000000000000",
            ShardIteratorType = ShardIteratorType.LATEST,
        });
        await client.PutTextsAsync(name, "k", ["new-1", "new-2", "new-3"]);
        var records = await client.ReadToTipAsync(iterator.ShardIterator!);

        Assert.Equal(["new-1", "new-2", "new-3"], records.Select(r => r.Text()));
    }

    [Fact]
    public async Task AT_TIMESTAMP_starts_at_the_first_record_written_at_or_after_the_time()
    {
        var name = await kinesalite.CreateStreamAsync("timestamp", shardCount: 1);
        using var client = kinesalite.CreateClient();
        await client.PutTextsAsync(name, "k", ["early-1", "early-2"]);
        var early = await client.ReadToTipAsync(name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);

        // kinesalite stamps records with its clock in milliseconds: wait until that clock has moved on.
        var earliestLater = early[^1].ApproximateArrivalTimestamp!.Value.AddMilliseconds(5);
        while (DateTime.UtcNow < earliestLater)
        {
            await Task.Yield();
        }

        await client.PutTextsAsync(name, "k", ["late-1", "late-2"]);
        var all = await client.ReadToTipAsync(name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
        var lateStamp = all.Single(r => r.Text() == "late-1").ApproximateArrivalTimestamp!.Value;

        var iterator = await client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = name,
            ShardId = "shardId-000000000000",
            ShardIteratorType = ShardIteratorType.AT_TIMESTAMP,
            Timestamp = lateStamp,
        });
        var fromTimestamp = await client.ReadToTipAsync(iterator.ShardIterator!);

        Assert.Equal(["late-1", "late-2"], fromTimestamp.Select(r => r.Text()));
    }

    [Fact]
    public async Task GetRecords_honours_the_limit_and_continues_with_the_next_iterator()
    {
        var name = await kinesalite.CreateStreamAsync("limit", shardCount: 1);
        using var client = kinesalite.CreateClient();
        await client.PutTextsAsync(name, "k", Enumerable.Range(0, 7).Select(i => $"r{i}"));
        var iterator = (await client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = name,
            ShardId = "shardId-000000000000",
            ShardIteratorType = ShardIteratorType.TRIM_HORIZON,
        })).ShardIterator;

        var first = await client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = 3 });
        var second = await client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = first.NextShardIterator, Limit = 3 });

        Assert.Equal(["r0", "r1", "r2"], first.Records!.Select(r => r.Text()));
        Assert.Equal(["r3", "r4", "r5"], second.Records!.Select(r => r.Text()));
        Assert.Equal(0, first.MillisBehindLatest);
        Assert.NotNull(second.NextShardIterator);
    }

    private static byte[] Payload(int index) =>
        [.. Encoding.UTF8.GetBytes($"record-{index}:"), .. Enumerable.Range(0, 256).Select(b => (byte)((b + index) % 256))];
}
