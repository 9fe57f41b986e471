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
/// (never for a reason it did not expect), Prepare returns an outcome, the two agree, and Prepare's one-pass path gives
/// exactly what its checking path gives. Counts the outcomes, and the records the one-pass path took.
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

        var record = new IncomingRecord(new PartitionKey("kafka", "people", "0"), 0, null, value, DateTimeOffset.UnixEpoch);
        var prepared = _processor.Prepare(record);
        var checking = _processor.PrepareChecking(record);
        AssertSame(checking, prepared);
        if (_processor.TryPrepareInOnePass(record, out var onePass))
        {
            AssertSame(checking, onePass);
            OnePass.AddOrUpdate(onePass.Envelope.Type, 1, (_, n) => n + 1);
        }

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

    /// <summary>Checks one record value as <see cref="Check"/> does; returns whether Prepare's one-pass path took it.</summary>
    public bool TakesOnePass(byte[] value)
    {
        var before = OnePass.Values.Sum();
        Check(value);
        return OnePass.Values.Sum() > before;
    }

    /// <summary>What Prepare gives (by either path) must be exactly what the checking path gives, error for error.</summary>
    private static void AssertSame(PreparedRecord checking, PreparedRecord prepared)
    {
        Assert.Equal(checking.Error?.Error, prepared.Error?.Error);
        Assert.Equal(checking.Error?.ErrorMessage, prepared.Error?.ErrorMessage);
        Assert.Equal(checking.Error?.MessageType, prepared.Error?.MessageType);
        Assert.Equal(checking.Error?.Version, prepared.Error?.Version);
        Assert.Equal(checking.Envelope.Format, prepared.Envelope.Format);
        Assert.Equal(checking.Envelope.Type, prepared.Envelope.Type);
        Assert.Equal(checking.Envelope.Version, prepared.Envelope.Version);
        Assert.Equal(checking.Envelope.Producer, prepared.Envelope.Producer);
        Assert.True(checking.Envelope.MessageJson.Span.SequenceEqual(prepared.Envelope.MessageJson.Span), "the message bytes differ");
        Assert.Same(checking.Invoker, prepared.Invoker);
        Assert.Equal(checking.Message, prepared.Message);
    }

    /// <summary>Records the one-pass path took, by message type.</summary>
    public ConcurrentDictionary<string, long> OnePass { get; } = new();

    /// <summary>The outcome counts as one line, most frequent first, and how many records took the one-pass path.</summary>
    public string Describe() =>
        string.Join(", ", Outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}")) + $"; in one pass: {OnePass.Values.Sum()}";
}
