namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>Asks for a stream's status and counts, without its shard list.</summary>
internal sealed class DescribeStreamSummaryRequest
{
    /// <summary>The stream to describe.</summary>
    public string? StreamName { get; set; }
}
