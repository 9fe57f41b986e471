using System.Diagnostics;
using System.Globalization;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using Xunit.Abstractions;

namespace LogPipe.Hosting.Kinesis.Tests.Client;

[Collection(SharedKinesalite.Name)]
public sealed class ThroughputTests(KinesaliteFixture kinesalite, ITestOutputHelper output)
{
    private const int RecordCount = 10_000;
    private const int RecordBytes = 256;

    // Measures the client plus kinesalite (a single Node process) on this machine; prints, asserts no timing.
    [Fact]
    public async Task PutRecords_and_GetRecords_throughput_is_measured()
    {
        var name = await kinesalite.CreateStreamAsync("throughput", shardCount: 4);
        using var client = kinesalite.CreateClient();
        var payload = new byte[RecordBytes];
        Random.Shared.NextBytes(payload);
        var entries = Enumerable.Range(0, RecordCount)
            .Select(i => new PutRecordsRequestEntry { PartitionKey = i.ToString(CultureInfo.InvariantCulture), Data = payload })
            .ToList();

        var put = Stopwatch.StartNew();
        foreach (var batch in entries.Chunk(500))
        {
            var response = await client.PutRecordsAsync(new PutRecordsRequest { StreamName = name, Records = [.. batch] });
            Assert.Equal(0, response.FailedRecordCount);
        }

        put.Stop();

        var read = 0;
        var get = Stopwatch.StartNew();
        foreach (var shard in await client.ListAllShardsAsync(name))
        {
            read += (await client.ReadToTipAsync(name, shard.ShardId!, ShardIteratorType.TRIM_HORIZON)).Count;
        }

        get.Stop();

        Assert.Equal(RecordCount, read);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PutRecords: {RecordCount} records of {RecordBytes} B in batches of 500: {put.Elapsed.TotalMilliseconds:0} ms = {RecordCount / put.Elapsed.TotalSeconds:0} records/s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GetRecords: {read} records from 4 shards (limit 10000): {get.Elapsed.TotalMilliseconds:0} ms = {read / get.Elapsed.TotalSeconds:0} records/s"));
    }
}
