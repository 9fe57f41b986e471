namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>
/// The answer to PutRecords. The call succeeds even when some records were not written:
/// <see cref="FailedRecordCount"/> says how many, and their entries carry an error code. The
/// caller retries those entries; the client does not.
/// </summary>
internal sealed class PutRecordsResponse : KinesisResponse
{
    /// <summary>How many records were not written.</summary>
    public int? FailedRecordCount { get; set; }

    /// <summary>One result per request entry, in the same order.</summary>
    public List<PutRecordsResultEntry>? Records { get; set; }

    /// <summary>The server-side encryption applied, such as <c>NONE</c> or <c>KMS</c>.</summary>
    public string? EncryptionType { get; set; }
}
