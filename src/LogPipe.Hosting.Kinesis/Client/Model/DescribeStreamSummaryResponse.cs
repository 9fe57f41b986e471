namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>The answer to DescribeStreamSummary.</summary>
internal sealed class DescribeStreamSummaryResponse : KinesisResponse
{
    /// <summary>The stream's state and counts.</summary>
    public StreamDescriptionSummary? StreamDescriptionSummary { get; set; }
}
