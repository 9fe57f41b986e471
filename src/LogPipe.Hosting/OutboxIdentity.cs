using System.Globalization;
using System.Text;

namespace LogPipe.Hosting;

/// <summary>
/// The identity of a record relayed from a transactional outbox: the outbox database's source id and the outbox row's
/// sequence. It travels in two Kafka record headers (never in the envelope, which stays django-logpipe's bytes), so that a
/// consumer with database checkpoints recognises a copy the relay sent again and skips it.
/// </summary>
/// <param name="Source">The outbox source id: generated once per outbox database.</param>
/// <param name="Sequence">The outbox row's id, unique within its source.</param>
public readonly record struct OutboxIdentity(Guid Source, long Sequence)
{
    /// <summary>The header holding <see cref="Source"/>: UTF-8 text, a GUID in lower-case <c>D</c> format.</summary>
    public const string SourceHeader = "logpipe-outbox-source";

    /// <summary>The header holding <see cref="Sequence"/>: UTF-8 decimal text, invariant culture, no sign, no padding.</summary>
    public const string SequenceHeader = "logpipe-outbox-sequence";

    /// <summary>The two headers that carry this identity, as the relay writes them.</summary>
    /// <returns>The source header, then the sequence header.</returns>
    public IReadOnlyList<KeyValuePair<string, byte[]>> ToHeaders() =>
    [
        new(SourceHeader, Encoding.UTF8.GetBytes(Source.ToString("D"))),
        new(SequenceHeader, Encoding.UTF8.GetBytes(Sequence.ToString(CultureInfo.InvariantCulture))),
    ];

    /// <inheritdoc />
    public override string ToString() => $"{Source:D}/{Sequence.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Reads a record's identity. Returns <see langword="true"/> with the identity when both headers are there and well
    /// formed; <see langword="false"/> with <paramref name="problem"/> <see langword="null"/> when neither is there (a
    /// record sent directly); <see langword="false"/> with the problem when they are malformed (the record is applied
    /// anyway, at least once).
    /// </summary>
    internal static bool TryRead(IReadOnlyList<KeyValuePair<string, byte[]>>? headers, out OutboxIdentity identity, out string? problem)
    {
        identity = default;
        problem = null;
        if (headers is null || headers.Count == 0) return false;
        byte[]? source = null;
        byte[]? sequence = null;
        var sourceCount = 0;
        var sequenceCount = 0;
        foreach (var (name, value) in headers)
        {
            if (name == SourceHeader)
            {
                source = value;
                sourceCount++;
            }
            else if (name == SequenceHeader)
            {
                sequence = value;
                sequenceCount++;
            }
        }

        if (sourceCount == 0 && sequenceCount == 0) return false;
        if (sourceCount != 1 || sequenceCount != 1)
        {
            problem = $"expected one {SourceHeader} and one {SequenceHeader} header, found {sourceCount} and {sequenceCount}";
            return false;
        }

        if (!TryParseSource(source!, out var sourceId))
        {
            problem = $"{SourceHeader} is not a GUID";
            return false;
        }

        if (!TryParseSequence(sequence!, out var sequenceNumber))
        {
            problem = $"{SequenceHeader} is not a decimal number without sign or padding";
            return false;
        }

        identity = new OutboxIdentity(sourceId, sequenceNumber);
        return true;
    }

    private static bool TryParseSource(byte[] value, out Guid source)
    {
        source = default;
        Span<char> text = stackalloc char[36];
        return value.Length == 36 && Encoding.ASCII.GetChars(value, text) == 36 && Guid.TryParseExact(text, "D", out source);
    }

    private static bool TryParseSequence(byte[] value, out long sequence)
    {
        sequence = 0;
        if (value.Length is 0 or > 19 || (value.Length > 1 && value[0] == (byte)'0')) return false;
        foreach (var b in value)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }
}
