namespace LogPipe.Hosting.Formats;

/// <summary>
/// Bounds on what an incoming record may contain, checked while it is decoded so that a hostile or broken record is
/// refused with <see cref="MessageErrorKind.LimitExceeded"/> before it costs memory.
/// </summary>
internal sealed record EnvelopeLimits
{
    private readonly int _maxRecordBytes = 1_048_576;
    private readonly int _maxDepth = 64;
    private readonly int _maxStringLength = 1_048_576;

    /// <summary>The limits used when none are configured: 1 MiB records, 64 levels of nesting, 1 MiB strings.</summary>
    public static EnvelopeLimits Default { get; } = new();

    /// <summary>The largest record value accepted, in bytes, format prefix included. Checked before anything is parsed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public int MaxRecordBytes
    {
        get => _maxRecordBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxRecordBytes = value;
        }
    }

    /// <summary>
    /// The deepest nesting of objects, maps and arrays accepted in a record body. The envelope itself is level 1,
    /// so the message object is level 2.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 2 (the envelope and its message need two levels).</exception>
    public int MaxDepth
    {
        get => _maxDepth;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 2);
            _maxDepth = value;
        }
    }

    /// <summary>
    /// The longest string (or property name, or MessagePack binary in its base64 form) accepted, in UTF-8 bytes as
    /// written in the record: a JSON escape such as <c>\n</c> counts as the bytes it takes on the wire.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public int MaxStringLength
    {
        get => _maxStringLength;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxStringLength = value;
        }
    }
}
