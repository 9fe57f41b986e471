namespace LogPipe.Hosting.Kinesis.Sending;

/// <summary>The PutRecords service limits a call and each record must stay within.</summary>
internal static class PutRecordsLimits
{
    /// <summary>Records per PutRecords call.</summary>
    public const int MaxRecordsPerCall = 500;

    /// <summary>Data plus partition keys of all records of one call.</summary>
    public const long MaxBytesPerCall = 5L * 1024 * 1024;

    /// <summary>Data plus partition key of one record.</summary>
    public const long MaxBytesPerRecord = 1024 * 1024;

    /// <summary>Unicode characters in a partition key.</summary>
    public const int MaxPartitionKeyLength = 256;
}
