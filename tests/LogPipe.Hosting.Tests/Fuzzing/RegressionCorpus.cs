using System.Text;

namespace LogPipe.Hosting.Tests.Fuzzing;

/// <summary>
/// Reads Regressions/*.corpus: one input per line as <c>&lt;outcome&gt; &lt;value&gt;</c>, where the outcome is
/// <c>Prepared</c> or a <c>MessageErrorKind</c> name and the value is hex (<c>hex:6a736f6e3a...</c>) or UTF-8 text
/// (<c>text:json:{...}</c>, backslashes kept, so JSON escapes such as <c>\udc00</c> reach the decoder as written).
/// Lines starting with <c>#</c> say where an input came from. Replayed with <see cref="RecordGenerators.Limits"/>.
/// </summary>
internal static class RegressionCorpus
{
    public static IEnumerable<(string Expected, byte[] Record, string Line)> Load()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Fuzzing", "Regressions");
        foreach (var file in Directory.GetFiles(folder, "*.corpus").Order(StringComparer.Ordinal))
        {
            var number = 0;
            foreach (var line in File.ReadLines(file))
            {
                number++;
                if (line.Length == 0 || line.StartsWith('#')) continue;
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                var expected = line[..space];
                var value = line[(space + 1)..];
                var record = value.StartsWith("hex:", StringComparison.Ordinal)
                    ? Convert.FromHexString(value[4..])
                    : Encoding.UTF8.GetBytes(value["text:".Length..]);
                yield return (expected, record, $"{Path.GetFileName(file)}:{number}");
            }
        }
    }
}
