using System.Text.Encodings.Web;
using System.Text.Json;

namespace LogPipe.Cli.Output;

/// <summary>How <c>--json</c> output is written: camelCase, indented, non-ASCII text left readable.</summary>
internal static class OutputJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
