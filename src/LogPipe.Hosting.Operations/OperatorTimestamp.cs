using System.Globalization;

namespace LogPipe.Hosting.Operations;

/// <summary>How operator messages write a time: UTC, to the millisecond (<c>2026-12-06T15:17:35.123Z</c>).</summary>
internal static class OperatorTimestamp
{
    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
