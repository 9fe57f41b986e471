namespace LogPipe.Hosting.Formats;

/// <summary>Limits a received record must stay within; anything over them is a message error, never an unbounded allocation.</summary>
public sealed record EnvelopeLimits
{
    /// <summary>The limits used when none are configured.</summary>
    public static EnvelopeLimits Default { get; } = new();

    /// <summary>Largest accepted record value, in bytes. Default 1 MiB.</summary>
    public int MaxRecordBytes { get; init; } = 1_048_576;

    /// <summary>Deepest accepted nesting of objects and arrays. Default 64.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Longest accepted string, in bytes. Default 1 MiB.</summary>
    public int MaxStringLength { get; init; } = 1_048_576;
}
