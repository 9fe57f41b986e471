using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace LogPipe.Cli.Output;

/// <summary>How <c>--json</c> output is written: camelCase, indented, non-ASCII text left readable.</summary>
internal static class OutputJson
{
    /// <summary>
    /// Escapes what JSON must (quotes, backslashes, C0 controls) and everything a terminal could act on: DEL, C1 controls,
    /// the bidi and line-separator characters (<see cref="TerminalText.FormatControls"/>) and lone surrogates (replaced).
    /// Other non-ASCII text stays readable. The relaxed encoder alone let bidi overrides through raw.
    /// </summary>
    public static readonly JavaScriptEncoder Encoder = CreateEncoder();

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = Encoder,
    };

    private static JavaScriptEncoder CreateEncoder()
    {
        var settings = new TextEncoderSettings(UnicodeRanges.All);
        settings.ForbidCharacters(TerminalText.FormatControls);
        return JavaScriptEncoder.Create(settings);
    }
}
