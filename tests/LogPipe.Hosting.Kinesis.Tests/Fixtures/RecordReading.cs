using System.Text;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using Record = LogPipe.Hosting.Kinesis.Client.Model.Record;

namespace LogPipe.Hosting.Kinesis.Tests.Fixtures;

/// <summary>Writing text records and reading a shard to its tip, as tests need them.</summary>
internal static class RecordReading
{
    /// <summary>Writes each text as one record under one partition key (so all land on one shard, in order).</summary>
    public static async Task<PutRecordsResponse> PutTextsAsync(this IKinesisClient client, string stream, string partitionKey, IEnumerable<string> texts)
    {
        var response = await client.PutRecordsAsync(new PutRecordsRequest
        {
            StreamName = stream,
            Records = [.. texts.Select(t => new PutRecordsRequestEntry { PartitionKey = partitionKey, Data = Encoding.UTF8.GetBytes(t) })],
        });
        Assert.Equal(0, response.FailedRecordCount);
        return response;
    }

    /// <summary>Gets an iterator of the given type and reads from it to the tip.</summary>
    public static async Task<List<Record>> ReadToTipAsync(this IKinesisClient client, string stream, string shardId, ShardIteratorType type, string? sequenceNumber = null)
    {
        var iterator = await client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = stream,
            ShardId = shardId,
            ShardIteratorType = type,
            StartingSequenceNumber = sequenceNumber,
        });
        return await client.ReadToTipAsync(iterator.ShardIterator!);
    }

    /// <summary>
    /// Reads until a call returns nothing (kinesalite shows every record at once, so the first empty
    /// page is the tip) or the shard is closed and drained.
    /// </summary>
    public static async Task<List<Record>> ReadToTipAsync(this IKinesisClient client, string iterator)
    {
        var records = new List<Record>();
        string? next = iterator;
        while (next is not null)
        {
            var page = await client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = next, Limit = 10000 });
            if (page.Records!.Count == 0)
            {
                break;
            }

            records.AddRange(page.Records);
            next = page.NextShardIterator;
        }

        return records;
    }

    /// <summary>The record's data as UTF-8 text.</summary>
    public static string Text(this Record record) => Encoding.UTF8.GetString(record.Data.Span);
}
