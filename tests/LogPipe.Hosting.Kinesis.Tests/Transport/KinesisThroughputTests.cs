using System.Diagnostics;
using System.Globalization;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Reading;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary>
/// Puts and reads the same number of people records raw (the client alone) and through LogPipe, and prints the rates.
/// Asserts only that everything arrived: the numbers depend on the machine and on kinesalite, a single Node process.
/// </summary>
[Collection(SharedKinesalite.Name)]
public sealed class KinesisThroughputTests(KinesaliteFixture kinesalite, ITestOutputHelper output) : KinesisAppTests(kinesalite)
{
    private const int Count = 5000;
    private const int Shards = 4;

    [Fact]
    public async Task PutRecords_and_GetRecords_throughput_raw_and_through_LogPipe_is_measured()
    {
        var people = People.Many(Count);

        // Both paths once before measuring, so neither pays for JIT compilation or a cold server.
        var warmUp = await Kinesalite.CreateStreamAsync("warm-up", Shards);
        await Kinesalite.Admin.PutRecordsAsync(new PutRecordsRequest
        {
            StreamName = warmUp,
            Records = [.. People.Many(500).Select(p => new PutRecordsRequestEntry { PartitionKey = p.Uuid.ToString(), Data = Envelope(p) })],
        });
        await (await AppAsync(warmUp, ProducerOnly())).SendAsync(People.Many(500));

        // Raw: the client, batches of 500, then each shard read to its tip one call after another.
        var rawStream = await Kinesalite.CreateStreamAsync("raw-throughput", Shards);
        var watch = Stopwatch.StartNew();
        foreach (var batch in people.Chunk(500))
        {
            await Kinesalite.Admin.PutRecordsAsync(new PutRecordsRequest
            {
                StreamName = rawStream,
                Records = [.. batch.Select(p => new PutRecordsRequestEntry { PartitionKey = p.Uuid.ToString(), Data = Envelope(p) })],
            });
        }

        Report("raw PutRecords (batches of 500)", watch.Elapsed);
        watch.Restart();
        var read = 0;
        foreach (var shard in await Kinesalite.Admin.ListAllShardsAsync(rawStream))
        {
            read += (await Kinesalite.Admin.ReadToTipAsync(rawStream, shard.ShardId!, ShardIteratorType.TRIM_HORIZON)).Count;
        }

        Assert.Equal(Count, read);
        Report("raw GetRecords (limit 10000, shard after shard)", watch.Elapsed);

        // LogPipe: IProducer<Person>.SendBatchAsync in sends of 500 people.
        var stream = await Kinesalite.CreateStreamAsync("throughput", Shards);
        var app = await AppAsync(stream, ProducerOnly());
        watch.Restart();
        foreach (var batch in people.Chunk(500)) await app.SendAsync(batch);
        Report("LogPipe SendBatchAsync (sends of 500)", watch.Elapsed);

        // LogPipe source alone: shard readers → queues → TryRead, as the consumer service drains them.
        var options = new KinesisOptions();
        await using (var source = new KinesisRecordSource(Kinesalite.Admin, stream, "kinesis:us-east-1", options, TimeProvider.System, NullLogger.Instance))
        {
            watch.Restart();
            await source.StartAsync(new InMemoryCheckpointStore(Options.Create(new LogPipeOptions { ConsumerGroup = "throughput" })), CancellationToken.None);
            var taken = 0;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (taken < Count)
            {
                if (source.TryRead(out _)) taken++;
                else await source.WaitToReadAsync(timeout.Token);
            }

            Report("LogPipe source, records taken (default options)", watch.Elapsed);
        }

        // LogPipe end to end: the consumer service applying people into SQLite with EF Core checkpoints.
        watch.Restart();
        var consumer = await AppAsync(stream);
        await consumer.WaitAppliedAsync(people, timeout: TimeSpan.FromSeconds(180));
        Report("LogPipe consumer service, applied to SQLite", watch.Elapsed);
        var units = consumer.Logs.Entries.Where(e => e.EventId.Id == LogEvents.UnitCommitted).Select(e => (Records: Convert.ToInt32(e.State["RecordCount"], CultureInfo.InvariantCulture), Ms: Convert.ToInt64(e.State["ElapsedMs"], CultureInfo.InvariantCulture))).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {units.Count} units of work, {units.Average(u => u.Records):0} records and {units.Average(u => u.Ms):0} ms each on average"));
    }

    // What LogPipe writes for a person (version 2, JSON), so raw and LogPipe records are the same size.
    private static byte[] Envelope(Person person) => System.Text.Encoding.UTF8.GetBytes(
        $$$"""json:{"type":"person","version":2,"message":{"uuid":"{{{person.Uuid}}}","first_name":"{{{person.FirstName}}}","last_name":"{{{person.LastName}}}","email":"{{{person.Email}}}"}}""");

    private void Report(string what, TimeSpan elapsed) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: {Count} records in {elapsed.TotalMilliseconds:0} ms = {Count / elapsed.TotalSeconds:0} records/s"));
}
