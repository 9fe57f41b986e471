using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// What one scenario run measured: records, faults injected, lost, applied twice, dead-lettered by reason. Written to
/// the test output and, when <c>LOGPIPE_FAULTS_REPORT</c> names a file, appended to it as a Markdown table row — the
/// rows docs/reliability.md publishes.
/// </summary>
public sealed record FaultFigures(string Scenario, int Records, string Faults, int Lost, int AppliedTwice, IReadOnlyDictionary<string, int> DeadLettered, TimeSpan Elapsed)
{
    /// <summary>Anything else worth a line: conflicts fenced, units abandoned, sends that failed loudly.</summary>
    public string Notes { get; init; } = "";

    public string DeadLetteredText => DeadLettered.Count == 0 || DeadLettered.Values.Sum() == 0
        ? "0"
        : string.Join(", ", DeadLettered.Where(d => d.Value > 0).OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key} {d.Value}"));

    public string ToRow() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Scenario} | {FaultScale.Name} | {Records:N0} | {Faults} | {Lost} | {AppliedTwice} | {DeadLetteredText} | {Elapsed.TotalSeconds:F0} s | {Notes} | {FaultScale.Seed} |");

    /// <summary>Writes the figures to the test output and to the report file, if one is set.</summary>
    public void Publish(ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(ToRow());
        if (Environment.GetEnvironmentVariable("LOGPIPE_FAULTS_REPORT") is { Length: > 0 } path)
        {
            lock (typeof(FaultFigures))
            {
                File.AppendAllText(path, ToRow() + "\n", Encoding.UTF8);
            }
        }
    }
}
