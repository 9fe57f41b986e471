using System.Diagnostics;
using System.Text;
using CsCheck;
using LogPipe.Hosting.Formats;
using Xunit.Abstractions;

namespace LogPipe.Hosting.Tests.Fuzzing;

/// <summary>
/// Property-based fuzzing of the decoder and of a consumer's checks before the database (<see cref="DecoderHarness"/>):
/// about 110,000 inputs in CI, fifty times that with <c>LOGPIPE_FUZZ_SCALE=campaign</c>. A failure prints the shrunk
/// input as hex and its seed; add the hex to Regressions/ so it is replayed for good.
/// </summary>
public sealed class DecoderFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Generated_and_mutated_records_of_both_formats_always_get_an_outcome_and_never_throw()
    {
        var harness = new DecoderHarness(RecordGenerators.Limits);
        // The same records under the default limits too: under the generators' tight ones (48-byte strings) no body is
        // short enough for Prepare's one-pass path, which must be fuzzed as hard as the checking path.
        var roomy = new DecoderHarness(EnvelopeLimits.Default);
        Run("generated and mutated envelopes", harness, RecordGenerators.Records, 80_000, record =>
        {
            harness.Check(record);
            roomy.Check(record);
        });
        output.WriteLine($"the same under the default limits: {roomy.Describe()}");

        // The generators reach every outcome, or the property proves less than it claims.
        foreach (var kind in Enum.GetValues<MessageErrorKind>().Except([MessageErrorKind.ValidationFailed, MessageErrorKind.SaveFailed]))
        {
            Assert.True(harness.Outcomes.ContainsKey(kind.ToString()), $"no input ended as {kind}: {harness.Describe()}");
        }

        Assert.True(harness.Outcomes.ContainsKey("Prepared"), harness.Describe());

        // Both of Prepare's paths prepared records: the one-pass path took some, the checking path the unusual rest.
        Assert.True(roomy.OnePass.ContainsKey("person"), roomy.Describe());
        Assert.True(roomy.OnePass.Values.Sum() < roomy.Outcomes["Prepared"], roomy.Describe());
    }

    [Fact]
    public void Random_bytes_after_either_prefix_always_get_an_outcome_and_never_throw()
    {
        var harness = new DecoderHarness(RecordGenerators.Limits);
        var records = Gen.Select(
            Gen.OneOf("json:", "msgpack:", "", "msgpack:\u0083", "json:{\"type\":"),
            Gen.Byte.Array[0, 64],
            (prefix, bytes) => (byte[])[.. Encoding.UTF8.GetBytes(prefix), .. bytes]);
        Run("random bytes", harness, records, 20_000, record => harness.Check(record));
    }

    [Fact]
    public void Valid_people_with_any_unicode_round_trip_through_Prepare_in_both_formats()
    {
        var harness = new DecoderHarness(EnvelopeLimits.Default);
        Run("valid people", harness, RecordGenerators.ValidPeople, 10_000, sample =>
        {
            var prepared = harness.Check(sample.Record);
            Assert.Null(prepared.Error);
            Assert.Equal(sample.Message, prepared.Message);
            Assert.Equal(sample.Producer, prepared.Envelope.Producer);
        });
        Assert.True(harness.OnePass.GetValueOrDefault("person") > 0, harness.Describe());
    }

    private void Run<T>(string name, DecoderHarness harness, Gen<T> gen, long ciIterations, Action<T> check)
    {
        var stopwatch = Stopwatch.StartNew();
        gen.Sample(check, iter: FuzzScale.Iterations(ciIterations), seed: FuzzScale.Seed, print: Show);
        var line = $"{name}: {harness.Total:N0} inputs in {stopwatch.Elapsed.TotalSeconds:F1} s; outcomes: {harness.Describe()}";
        output.WriteLine(line);
        if (FuzzScale.IsCampaign) Console.WriteLine("[fuzz] " + line);
    }

    private static string Show<T>(T sample) => sample switch
    {
        byte[] bytes => Convert.ToHexString(bytes),
        ValueTuple<byte[], object, string?> person => Convert.ToHexString(person.Item1),
        _ => sample?.ToString() ?? "null",
    };
}
