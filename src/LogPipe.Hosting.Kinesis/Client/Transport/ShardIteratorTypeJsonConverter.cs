using LogPipe.Hosting.Kinesis.Client.Model;

namespace LogPipe.Hosting.Kinesis.Client.Transport;

/// <summary>Writes <see cref="ShardIteratorType"/> as its wire string.</summary>
internal sealed class ShardIteratorTypeJsonConverter : ConstantClassJsonConverter<ShardIteratorType>
{
    protected override ShardIteratorType FromValue(string value) => ShardIteratorType.FindValue(value);
}
