namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>The (empty) answer to MergeShards; the stream is <c>UPDATING</c> until the merge is done.</summary>
internal sealed class MergeShardsResponse : KinesisResponse
{
}
