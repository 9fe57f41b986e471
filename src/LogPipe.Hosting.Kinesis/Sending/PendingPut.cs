using LogPipe.Hosting.Kinesis.Client.Model;

namespace LogPipe.Hosting.Kinesis.Sending;

/// <summary>One record of a send on its way into Kinesis: its entry, attempts, retry time and outcome.</summary>
internal sealed class PendingPut
{
    public PendingPut(int index, string stream, string partitionKey, ReadOnlyMemory<byte> data, long size)
    {
        Index = index;
        Stream = stream;
        Size = size;
        Entry = new PutRecordsRequestEntry { PartitionKey = partitionKey, Data = data };
    }

    /// <summary>The record's position in the send.</summary>
    public int Index { get; }

    public string Stream { get; }

    public string PartitionKey => Entry.PartitionKey!;

    /// <summary>Data plus partition key, in bytes, as the service counts them.</summary>
    public long Size { get; }

    public PutRecordsRequestEntry Entry { get; }

    public int Attempts { get; private set; }

    /// <summary>Not put again before this time (backoff after a failure).</summary>
    public DateTimeOffset NotBefore { get; private set; } = DateTimeOffset.MinValue;

    public RecordPosition? Position { get; private set; }

    public string? ErrorCode { get; private set; }

    public string? ErrorMessage { get; private set; }

    public bool IsFailed { get; private set; }

    public bool IsSettled => Position is not null || IsFailed;

    public void Attempting() => Attempts++;

    public void Succeed(RecordPosition position) => Position = position;

    public void RetryAt(DateTimeOffset at, string code, string? message)
    {
        NotBefore = at;
        ErrorCode = code;
        ErrorMessage = message;
    }

    public void Fail(string code, string? message)
    {
        IsFailed = true;
        ErrorCode = code;
        ErrorMessage = message;
    }
}
