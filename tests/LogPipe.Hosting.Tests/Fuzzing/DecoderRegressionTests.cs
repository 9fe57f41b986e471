using System.Text;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.Tests.Fuzzing;

/// <summary>
/// Records that once made the decoder or a consumer's checks throw instead of returning an outcome, and the corpus of
/// every input a fuzz run ever failed on (Regressions/*.corpus), replayed with the outcome each must get.
/// </summary>
public sealed class DecoderRegressionTests
{
    /// <summary>The record from the issue: django-logpipe writes a lone surrogate in the producer id as <c>\udc00</c>.</summary>
    private const string LoneSurrogateProducer =
        """json:{"type":"person","version":1,"message":{"uuid":"4d3c2589-8d7d-4e0d-a1e6-30cf1b41f935","first_name":"a","last_name":"x"},"producer":"\udc00"}""";

    private static readonly DecoderHarness Harness = new(EnvelopeLimits.Default);

    private static PreparedRecord Prepare(string record) => Harness.Check(Encoding.UTF8.GetBytes(record));

    [Fact]
    public void A_lone_surrogate_in_the_producer_is_kept_as_a_replacement_character_and_the_record_is_prepared()
    {
        var prepared = Prepare(LoneSurrogateProducer);

        Assert.Null(prepared.Error);
        Assert.Equal("\uFFFD", prepared.Envelope.Producer);
        Assert.Equal("a", ((TestSupport.PersonV1)prepared.Message!).FirstName);
    }

    [Fact]
    public void A_lone_surrogate_in_the_type_is_an_invalid_envelope_that_names_the_problem()
    {
        var prepared = Prepare("""json:{"type":"per\udc00son","version":1,"message":{}}""");

        Assert.Equal(MessageErrorKind.InvalidEnvelope, prepared.Error?.Error);
        Assert.Contains("'type' holds a lone UTF-16 surrogate", prepared.Error?.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\\udc00")]
    [InlineData("\\ud800")]
    [InlineData("typ\\ud800e")]
    [InlineData("\\ud800\\ud800")]
    public void A_lone_surrogate_in_an_unknown_envelope_key_is_ignored_like_any_unknown_key(string key)
    {
        var prepared = Prepare($$$"""json:{"{{{key}}}":1,"type":"person","version":1,"message":{"uuid":"4d3c2589-8d7d-4e0d-a1e6-30cf1b41f935","first_name":"a","last_name":"x"}}""");

        Assert.Null(prepared.Error);
    }

    [Fact]
    public void Escaped_envelope_keys_and_values_are_read_like_plain_ones()
    {
        var prepared = Prepare("""json:{"typ\u0065":"p\u0065rson","\u0076ersion":1,"message":{"uuid":"4d3c2589-8d7d-4e0d-a1e6-30cf1b41f935","first_name":"a","last_name":"x"},"producer":"\ud83d\udca5 \"q\" \\ \/ \n"}""");

        Assert.Null(prepared.Error);
        Assert.Equal("person", prepared.Envelope.Type);
        Assert.Equal("💥 \"q\" \\ / \n", prepared.Envelope.Producer);
    }

    [Fact]
    public void A_lone_surrogate_in_a_message_field_is_an_invalid_message()
    {
        var prepared = Prepare("""json:{"type":"person","version":1,"message":{"uuid":"4d3c2589-8d7d-4e0d-a1e6-30cf1b41f935","first_name":"\udc00","last_name":"x"}}""");

        Assert.Equal(MessageErrorKind.InvalidMessage, prepared.Error?.Error);
        Assert.Contains("PersonV1", prepared.Error?.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, "ArgumentOutOfRangeException")]
    [InlineData(13, "unlucky reading")]
    public void A_message_constructor_that_throws_makes_an_invalid_message_not_a_crash(int reading, string named)
    {
        var prepared = Prepare($$$"""json:{"type":"meter","version":1,"message":{"name":"m","reading":{{{reading}}}}}""");

        Assert.Equal(MessageErrorKind.InvalidMessage, prepared.Error?.Error);
        Assert.Contains("Meter", prepared.Error?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains(named, prepared.Error?.ErrorMessage + prepared.Error?.Exception, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_input_of_the_regression_corpus_gets_its_recorded_outcome()
    {
        var harness = new DecoderHarness(RecordGenerators.Limits);
        var cases = RegressionCorpus.Load().ToList();
        Assert.True(cases.Count >= 10, $"the corpus has {cases.Count} inputs");
        foreach (var (expected, record, line) in cases)
        {
            var prepared = harness.Check(record);
            Assert.True(expected == (prepared.Error?.Error?.ToString() ?? "Prepared"), $"{line}: expected {expected}, got {prepared.Error?.Error} {prepared.Error?.ErrorMessage}");
        }
    }
}
