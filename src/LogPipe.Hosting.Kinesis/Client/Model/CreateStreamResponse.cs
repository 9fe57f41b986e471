namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>The (empty) answer to CreateStream; poll DescribeStreamSummary until the stream is <c>ACTIVE</c>.</summary>
internal sealed class CreateStreamResponse : KinesisResponse
{
}
