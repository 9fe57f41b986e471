namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>The (empty) answer to SplitShard; the stream is <c>UPDATING</c> until the split is done.</summary>
internal sealed class SplitShardResponse : KinesisResponse
{
}
