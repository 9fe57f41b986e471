using System.Text;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Tests.Consumers;

/// <summary>The identity headers of outbox records: what the relay writes and what a consumer accepts as an identity.</summary>
public sealed class OutboxIdentityTests
{
    private static readonly Guid Source = Guid.Parse("0F4C1F0E-2B8E-4C3A-9A57-5D2F8E0C7A11");

    private static KeyValuePair<string, byte[]> Header(string name, string value) => new(name, Encoding.UTF8.GetBytes(value));

    [Fact]
    public void Headers_carry_the_source_as_a_lower_case_guid_and_the_sequence_as_plain_decimal_text_and_read_back()
    {
        var identity = new OutboxIdentity(Source, 1234567890123);
        var headers = identity.ToHeaders();

        Assert.Equal(["logpipe-outbox-source", "logpipe-outbox-sequence"], headers.Select(h => h.Key));
        Assert.Equal("0f4c1f0e-2b8e-4c3a-9a57-5d2f8e0c7a11", Encoding.UTF8.GetString(headers[0].Value));
        Assert.Equal("1234567890123", Encoding.UTF8.GetString(headers[1].Value));
        Assert.True(OutboxIdentity.TryRead([Header("traceparent", "00-x"), .. headers], out var read, out var problem));
        Assert.Equal(identity, read);
        Assert.Null(problem);
    }

    [Fact]
    public void A_record_without_identity_headers_has_no_identity_and_no_problem()
    {
        Assert.False(OutboxIdentity.TryRead(null, out _, out var none));
        Assert.Null(none);
        Assert.False(OutboxIdentity.TryRead([Header("traceparent", "00-x")], out _, out var other));
        Assert.Null(other);
    }

    [Theory]
    [InlineData("not-a-guid", "1")]
    [InlineData("{0f4c1f0e-2b8e-4c3a-9a57-5d2f8e0c7a11}", "1")]
    [InlineData("0f4c1f0e2b8e4c3a9a575d2f8e0c7a11", "1")]
    [InlineData("0f4c1f0e-2b8e-4c3a-9a57-5d2f8e0c7a11", "")]
    [InlineData("0f4c1f0e-2b8e-4c3a-9a57-5d2f8e0c7a11", "-1")]
    [InlineData("0f4c1f0e-2b8e-4c3a-9a57-5d2f8e0c7a11", "+1")]
    [InlineData("0f4c1f0e-2b8e-4c3a-9a57-5d2f8e0c7a11", " 1")]
    [InlineData("0f4c1f0e-2b8e-4c3a-9a57-5d2f8e0c7a11", "007")]
    [InlineData("0f4c1f0e-2b8e-4c3a-9a57-5d2f8e0c7a11", "1e3")]
    [InlineData("0f4c1f0e-2b8e-4c3a-9a57-5d2f8e0c7a11", "9223372036854775808")]
    public void Malformed_identity_headers_are_a_problem_not_an_identity(string source, string sequence)
    {
        Assert.False(OutboxIdentity.TryRead([Header("logpipe-outbox-source", source), Header("logpipe-outbox-sequence", sequence)], out _, out var problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void One_header_without_the_other_or_either_twice_is_a_problem()
    {
        var source = Header("logpipe-outbox-source", Source.ToString("D"));
        var sequence = Header("logpipe-outbox-sequence", "5");
        Assert.False(OutboxIdentity.TryRead([source], out _, out var onlySource));
        Assert.Contains("found 1 and 0", onlySource, StringComparison.Ordinal);
        Assert.False(OutboxIdentity.TryRead([sequence], out _, out var onlySequence));
        Assert.NotNull(onlySequence);
        Assert.False(OutboxIdentity.TryRead([source, sequence, Header("logpipe-outbox-sequence", "6")], out _, out var twice));
        Assert.Contains("found 1 and 2", twice, StringComparison.Ordinal);
    }
}
