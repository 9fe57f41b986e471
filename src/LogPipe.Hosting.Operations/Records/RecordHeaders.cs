using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LogPipe.Hosting.Operations;

/// <summary>A dead letter's stored headers made readable, the same way in every front end.</summary>
internal static class RecordHeaders
{
    /// <summary>The stored headers (<c>[[name, base64], ...]</c>) with values as text when they are text.</summary>
    public static List<KeyValuePair<string, string>> Read(string? stored)
    {
        if (stored is null) return [];
        try
        {
            var pairs = JsonSerializer.Deserialize<string[][]>(stored) ?? [];
            return [.. pairs.Where(p => p.Length == 2).Select(p =>
            {
                var bytes = Convert.FromBase64String(p[1]);
                return new KeyValuePair<string, string>(p[0], Bytes.AsText(bytes) ?? "base64:" + p[1]);
            })];
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return [new("(unreadable)", Encoding.UTF8.GetByteCount(stored).ToString(CultureInfo.InvariantCulture) + " bytes")];
        }
    }
}
