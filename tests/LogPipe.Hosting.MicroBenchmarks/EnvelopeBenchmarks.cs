using BenchmarkDotNet.Attributes;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.MicroBenchmarks;

/// <summary>
/// Envelope encode (what <c>IProducer</c> does per record after mapping the model) and decode (the first step of every
/// record a consumer applies), per format. Allocated = bytes per record.
/// </summary>
[MemoryDiagnoser]
public class EnvelopeBenchmarks
{
    private readonly EnvelopeReader _reader = new(EnvelopeLimits.Default);
    private byte[] _value = [];

    /// <summary>The wire format.</summary>
    [Params(WireFormat.Json, WireFormat.MessagePack)]
    public string Format { get; set; } = WireFormat.Json;

    /// <summary>Encodes the record once to have something to decode.</summary>
    [GlobalSetup]
    public void Setup() => _value = MicroPeople.Value(Format);

    /// <summary>Message → record value (a new array, as the producer hands it to the transport).</summary>
    [Benchmark]
    public byte[] Encode() => MicroPeople.Writer.Write(Format, "person", 2, MicroPeople.Message, "people-api");

    /// <summary>Record value → envelope (type, version, message JSON).</summary>
    [Benchmark]
    public ReadOnlyMemory<byte> Decode() => _reader.Read(_value).MessageJson;

    /// <summary>For scale: System.Text.Json alone serializing the message with the payload options.</summary>
    [Benchmark(Baseline = true)]
    public byte[] SerializeMessageOnly() => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(MicroPeople.Message, PayloadOptions);

    private static readonly System.Text.Json.JsonSerializerOptions PayloadOptions = PayloadJson.CreateOptions();
}
