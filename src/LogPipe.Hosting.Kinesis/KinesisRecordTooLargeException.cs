namespace LogPipe.Hosting.Kinesis;

/// <summary>
/// A record is larger than Kinesis accepts (1 MiB of data plus partition key). Thrown before anything of the send is put,
/// so a batch holding one such record stores none of its records.
/// </summary>
public sealed class KinesisRecordTooLargeException : KinesisSendException
{
    /// <summary>The error code this exception carries.</summary>
    public const string Code = "RecordTooLarge";

    /// <summary>Creates the exception.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="index">The record's position in the send.</param>
    /// <param name="recordBytes">The record's data plus partition key, in bytes.</param>
    /// <param name="limitBytes">The limit, in bytes.</param>
    /// <param name="recordCount">How many records the send had (none of them was sent).</param>
    public KinesisRecordTooLargeException(string stream, int index, long recordBytes, long limitBytes, int recordCount)
        : base(
            $"Record {index} of {recordCount} for Kinesis stream '{stream}' is {recordBytes} bytes (data plus partition key); Kinesis accepts at most {limitBytes}. Nothing of this send was put.",
            stream,
            Code,
            recordCount)
    {
        Positions = NoneStored(recordCount);
        Index = index;
        RecordBytes = recordBytes;
        LimitBytes = limitBytes;
    }

    /// <summary>Creates the exception.</summary>
    public KinesisRecordTooLargeException()
        : this("A record is larger than Kinesis accepts.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public KinesisRecordTooLargeException(string message)
        : base(message, string.Empty, Code, 1)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public KinesisRecordTooLargeException(string message, Exception innerException)
        : base(message, string.Empty, Code, 1, innerException)
    {
    }

    /// <summary>The position of the oversized record in the send (0 for <c>SendAsync</c>).</summary>
    public int Index { get; }

    /// <summary>The record's data plus partition key, in bytes.</summary>
    public long RecordBytes { get; }

    /// <summary>The most Kinesis accepts per record, in bytes (1 MiB).</summary>
    public long LimitBytes { get; }
}
