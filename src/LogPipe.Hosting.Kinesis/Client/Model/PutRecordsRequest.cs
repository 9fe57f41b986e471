namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>Writes up to 500 records (5 MiB in all) to a stream in one call.</summary>
internal sealed class PutRecordsRequest
{
    /// <summary>The stream to write to.</summary>
    public string? StreamName { get; set; }

    /// <summary>The records, 1 to 500 of them.</summary>
    public List<PutRecordsRequestEntry>? Records { get; set; }
}
