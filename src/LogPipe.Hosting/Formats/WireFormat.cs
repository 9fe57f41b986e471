namespace LogPipe.Hosting.Formats;

/// <summary>The format codes that prefix every record value (<c>&lt;code&gt;:&lt;body&gt;</c>).</summary>
internal static class WireFormat
{
    /// <summary>Compact UTF-8 JSON, as django-logpipe's <c>json</c> renderer writes it.</summary>
    public const string Json = "json";

    /// <summary>MessagePack, as django-logpipe's <c>msgpack</c> renderer writes it (<c>use_bin_type=True</c>).</summary>
    public const string MessagePack = "msgpack";

    /// <summary>Whether <paramref name="code"/> is a format this library reads and writes.</summary>
    /// <param name="code">A format code.</param>
    /// <returns><see langword="true"/> for <c>json</c> and <c>msgpack</c>.</returns>
    public static bool IsSupported(string? code) => code is Json or MessagePack;

    /// <summary>The code a configured format is written with.</summary>
    /// <param name="format">The format.</param>
    /// <returns><c>json</c> or <c>msgpack</c>.</returns>
    public static string CodeOf(MessageFormat format) => format switch
    {
        MessageFormat.Json => Json,
        MessageFormat.MsgPack => MessagePack,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not a format; use json or msgpack."),
    };
}
