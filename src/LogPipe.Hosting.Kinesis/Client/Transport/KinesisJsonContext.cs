using System.Text.Json.Serialization;
using LogPipe.Hosting.Kinesis.Client.Model;

namespace LogPipe.Hosting.Kinesis.Client.Transport;

/// <summary>
/// Source-generated JSON for the Kinesis JSON 1.1 protocol. The model's property names are the wire
/// names, so the model classes are the wire DTOs; unset (null) members are left out, as the AWS SDK does.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(EpochSecondsJsonConverter), typeof(ShardIteratorTypeJsonConverter), typeof(StreamStatusJsonConverter)])]
[JsonSerializable(typeof(CreateStreamRequest))]
[JsonSerializable(typeof(CreateStreamResponse))]
[JsonSerializable(typeof(DeleteStreamRequest))]
[JsonSerializable(typeof(DeleteStreamResponse))]
[JsonSerializable(typeof(DescribeStreamSummaryRequest))]
[JsonSerializable(typeof(DescribeStreamSummaryResponse))]
[JsonSerializable(typeof(ListShardsRequest))]
[JsonSerializable(typeof(ListShardsResponse))]
[JsonSerializable(typeof(PutRecordsRequest))]
[JsonSerializable(typeof(PutRecordsResponse))]
[JsonSerializable(typeof(GetShardIteratorRequest))]
[JsonSerializable(typeof(GetShardIteratorResponse))]
[JsonSerializable(typeof(GetRecordsRequest))]
[JsonSerializable(typeof(GetRecordsResponse))]
[JsonSerializable(typeof(SplitShardRequest))]
[JsonSerializable(typeof(SplitShardResponse))]
[JsonSerializable(typeof(MergeShardsRequest))]
[JsonSerializable(typeof(MergeShardsResponse))]
[JsonSerializable(typeof(KinesisErrorBody))]
internal sealed partial class KinesisJsonContext : JsonSerializerContext
{
}
