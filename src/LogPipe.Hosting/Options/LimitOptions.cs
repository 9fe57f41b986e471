namespace LogPipe.Hosting;

/// <summary>Limits against hostile or broken input; a record over any of them is a message error.</summary>
public sealed class LimitOptions
{
    /// <summary>Largest accepted record value, in bytes. Default 1 MiB.</summary>
    public int MaxRecordBytes { get; set; } = 1_048_576;

    /// <summary>Deepest accepted nesting in a message. Default 64.</summary>
    public int MaxDepth { get; set; } = 64;

    /// <summary>Longest accepted string value, in bytes. Default 1 MiB.</summary>
    public int MaxStringLength { get; set; } = 1_048_576;
}
