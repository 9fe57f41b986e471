using LogPipe.Hosting.Kinesis.Client.Model;

namespace LogPipe.Hosting.Kinesis.Client.Transport;

/// <summary>Reads <see cref="StreamStatus"/> from its wire string.</summary>
internal sealed class StreamStatusJsonConverter : ConstantClassJsonConverter<StreamStatus>
{
    protected override StreamStatus FromValue(string value) => StreamStatus.FindValue(value);
}
