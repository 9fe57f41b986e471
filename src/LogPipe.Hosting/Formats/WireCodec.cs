using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Formats;

/// <summary>The service's configured wire format: payload JSON options, envelope writer and reader, producer id. Singleton.</summary>
internal sealed class WireCodec
{
    private readonly ConcurrentDictionary<Type, object> _keyReaders = new();

    public WireCodec(IOptions<LogPipeOptions> options)
    {
        var o = options.Value;
        PayloadOptions = PayloadJson.CreateOptions(NamingPolicyFor(o.FieldNaming));
        Writer = new EnvelopeWriter(PayloadOptions);
        Reader = new EnvelopeReader(new EnvelopeLimits
        {
            MaxRecordBytes = o.Limits.MaxRecordBytes,
            MaxDepth = o.Limits.MaxDepth,
            MaxStringLength = o.Limits.MaxStringLength,
        });
        DefaultFormat = WireFormat.CodeOf(o.DefaultFormat);
        ProducerId = string.IsNullOrEmpty(o.ProducerId) ? null : o.ProducerId;
    }

    public JsonSerializerOptions PayloadOptions { get; }

    public EnvelopeWriter Writer { get; }

    public EnvelopeReader Reader { get; }

    public string DefaultFormat { get; }

    public string? ProducerId { get; }

    public Func<TMessage, string?> KeyReader<TMessage>(SerializerDescriptor serializer) =>
        (Func<TMessage, string?>)_keyReaders.GetOrAdd(serializer.SerializerType, _ => MessageKeyReader.Create<TMessage>(serializer.KeyField, PayloadOptions));

    /// <summary>Maps <c>LogPipe:FieldNaming</c> to a naming policy.</summary>
    public static JsonNamingPolicy NamingPolicyFor(FieldNaming fieldNaming) => fieldNaming switch
    {
        FieldNaming.SnakeCaseLower => JsonNamingPolicy.SnakeCaseLower,
        FieldNaming.SnakeCaseUpper => JsonNamingPolicy.SnakeCaseUpper,
        FieldNaming.CamelCase => JsonNamingPolicy.CamelCase,
        FieldNaming.KebabCaseLower => JsonNamingPolicy.KebabCaseLower,
        FieldNaming.KebabCaseUpper => JsonNamingPolicy.KebabCaseUpper,
        FieldNaming.AsIs => AsIsNamingPolicy.Instance,
        _ => throw new ArgumentException($"Unknown field naming '{fieldNaming}'.", nameof(fieldNaming)),
    };

    private sealed class AsIsNamingPolicy : JsonNamingPolicy
    {
        public static readonly AsIsNamingPolicy Instance = new();

        public override string ConvertName(string name) => name;
    }
}
