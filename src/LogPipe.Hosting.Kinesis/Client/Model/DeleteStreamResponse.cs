namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>The (empty) answer to DeleteStream; the stream is <c>DELETING</c> for a while afterwards.</summary>
internal sealed class DeleteStreamResponse : KinesisResponse
{
}
