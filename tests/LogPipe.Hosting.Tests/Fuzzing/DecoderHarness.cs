using System.Collections.Concurrent;
using System.Text.Json;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Formats;
using LogPipe.Hosting.TestSupport;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Tests.Fuzzing;

/// <summary>
/// Puts one record value through <see cref="EnvelopeReader"/> and through a consumer's <see cref="RecordProcessor.Prepare"/>
/// with the real person serializers (V1, V2), a meter serializer whose message constructor throws, and an ignored type,
/// and checks what must hold for any bytes: the reader returns or throws only <see cref="InvalidMessageException"/>
/// (never for a reason it did not expect), Prepare returns an outcome, and the two agree. Counts the outcomes.
/// </summary>
internal sealed class DecoderHarness
{
    private static readonly HashSet<MessageErrorKind> DecodeKinds =
        [MessageErrorKind.Undecodable, MessageErrorKind.UnknownFormat, MessageErrorKind.InvalidEnvelope, MessageErrorKind.LimitExceeded];

    private readonly RecordProcessor _processor;
    private readonly EnvelopeReader _reader;

    public DecoderHarness(EnvelopeLimits limits)
    {
        var options = new LogPipeOptions
        {
            Limits = new LimitOptions { MaxRecordBytes = limits.MaxRecordBytes, MaxDepth = limits.MaxDepth, MaxStringLength = limits.MaxStringLength },
        };
        var codec = new WireCodec(Options.Create(options));
        _reader = codec.Reader;
        var consumer = new ConsumerBuilder("people")
            .Register<PersonSerializerV1>()
            .Register<PersonSerializerV2>()
            .Register<MeterSerializer>()
            .Ignore("place")
            .Build();
        _processor = new RecordProcessor(consumer, codec);
    }

    /// <summary>How many inputs ended in each outcome ("Prepared" or a <see cref="MessageErrorKind"/>).</summary>
    public ConcurrentDictionary<string, long> Outcomes { get; } = new();

    public long Total => Outcomes.Values.Sum();

    /// <summary>Checks one record value; throws (failing the property) when something that must hold does not.</summary>
    public PreparedRecord Check(byte[] value)
    {
        Envelope? envelope = null;
        InvalidMessageException? readError = null;
        try
        {
            envelope = _reader.Read(value);
        }
        catch (InvalidMessageException ex)
        {
            readError = ex;
        }

        if (readError is not null)
        {
            Assert.False(readError.Message.StartsWith(EnvelopeReader.UnexpectedPrefix, StringComparison.Ordinal), $"decoder gap: {readError.InnerException}");
            Assert.Contains(readError.Kind, DecodeKinds);
            Assert.False(string.IsNullOrWhiteSpace(readError.Message));
        }
        else
        {
            // Whatever the wire format, the message handed on is one JSON object.
            using var document = JsonDocument.Parse(envelope!.Value.MessageJson);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        }

        var prepared = _processor.Prepare(new IncomingRecord(new PartitionKey("kafka", "people", "0"), 0, null, value, DateTimeOffset.UnixEpoch));
        if (readError is not null)
        {
            Assert.Equal(readError.Kind, prepared.Error?.Error);
            Assert.Equal(readError.Message, prepared.Error?.ErrorMessage);
        }
        else if (prepared.Error is { } error)
        {
            Assert.Contains(error.Error!.Value, (MessageErrorKind[])[MessageErrorKind.IgnoredType, MessageErrorKind.UnknownType, MessageErrorKind.UnknownVersion, MessageErrorKind.InvalidMessage]);
            Assert.Equal(envelope!.Value.Type, error.MessageType);
            Assert.Equal(envelope.Value.Version, error.Version);
            // The processor's own last line is for decoder gaps, not for what the invoker knows how to report.
            Assert.DoesNotContain("could not be deserialized", error.ErrorMessage, StringComparison.Ordinal);
        }
        else
        {
            Assert.NotNull(prepared.Message);
            Assert.NotNull(prepared.Invoker);
            Assert.Equal(envelope!.Value.Type, prepared.Envelope.Type);
            Assert.Contains(prepared.Envelope.Type, (string[])["person", "meter"]);
        }

        Outcomes.AddOrUpdate(prepared.Error?.Error?.ToString() ?? "Prepared", 1, (_, n) => n + 1);
        return prepared;
    }

    /// <summary>The outcome counts as one line, most frequent first.</summary>
    public string Describe() => string.Join(", ", Outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"));
}
