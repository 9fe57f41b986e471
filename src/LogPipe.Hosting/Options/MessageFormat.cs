using System.ComponentModel;

namespace LogPipe.Hosting;

/// <summary>
/// The formats a record value is written in (<c>LogPipe:DefaultFormat</c>): the code before the colon of
/// <c>&lt;code&gt;:&lt;body&gt;</c>, as django-logpipe writes it. Configuration accepts the codes <c>json</c> and
/// <c>msgpack</c>, in any case.
/// </summary>
[Description("json, msgpack")]
public enum MessageFormat
{
    /// <summary>Compact UTF-8 JSON (<c>json:</c>).</summary>
    Json,

    /// <summary>MessagePack (<c>msgpack:</c>).</summary>
    MsgPack,
}
