using System.Diagnostics.CodeAnalysis;
using Amazon.Runtime;

namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>
/// Where a shard iterator starts. Shaped like <c>Amazon.Kinesis.ShardIteratorType</c> (a
/// <see cref="ConstantClass"/> with upper-case members), so code written against this client
/// reads the same as code written against the AWS SDK.
/// </summary>
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Member names match the AWS SDK and the wire values.")]
internal sealed class ShardIteratorType : ConstantClass
{
    /// <summary>Start at the record with the given <c>StartingSequenceNumber</c>.</summary>
    public static readonly ShardIteratorType AT_SEQUENCE_NUMBER = new("AT_SEQUENCE_NUMBER");

    /// <summary>Start right after the record with the given <c>StartingSequenceNumber</c>: the resume-from-checkpoint position.</summary>
    public static readonly ShardIteratorType AFTER_SEQUENCE_NUMBER = new("AFTER_SEQUENCE_NUMBER");

    /// <summary>Start at the first record written at or after the given <c>Timestamp</c>.</summary>
    public static readonly ShardIteratorType AT_TIMESTAMP = new("AT_TIMESTAMP");

    /// <summary>Start at the oldest record still retained in the shard.</summary>
    public static readonly ShardIteratorType TRIM_HORIZON = new("TRIM_HORIZON");

    /// <summary>Start after the newest record, reading only records written from now on.</summary>
    public static readonly ShardIteratorType LATEST = new("LATEST");

    /// <summary>Creates a value; prefer the static members, or the implicit conversion from a string.</summary>
    /// <param name="value">The wire value, such as <c>TRIM_HORIZON</c>.</param>
    public ShardIteratorType(string value)
        : base(value)
    {
    }

    /// <summary>Finds the member whose wire value is <paramref name="value"/> (or makes a new one).</summary>
    /// <param name="value">The wire value, such as <c>TRIM_HORIZON</c>.</param>
    /// <returns>The matching value.</returns>
    public static ShardIteratorType FindValue(string value) => FindValue<ShardIteratorType>(value);

    /// <summary>Converts a wire value such as <c>"LATEST"</c> (for example from configuration).</summary>
    /// <param name="value">The wire value.</param>
    public static implicit operator ShardIteratorType(string value) => FindValue(value);
}
