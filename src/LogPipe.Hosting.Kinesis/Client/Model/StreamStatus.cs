using System.Diagnostics.CodeAnalysis;
using Amazon.Runtime;

namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>
/// The lifecycle state of a stream. Shaped like <c>Amazon.Kinesis.StreamStatus</c>.
/// </summary>
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Member names match the AWS SDK and the wire values.")]
internal sealed class StreamStatus : ConstantClass
{
    /// <summary>The stream is being created; it cannot be read or written yet.</summary>
    public static readonly StreamStatus CREATING = new("CREATING");

    /// <summary>The stream is being deleted.</summary>
    public static readonly StreamStatus DELETING = new("DELETING");

    /// <summary>The stream can be read and written.</summary>
    public static readonly StreamStatus ACTIVE = new("ACTIVE");

    /// <summary>The stream is being resharded or reconfigured; reads and writes still work.</summary>
    public static readonly StreamStatus UPDATING = new("UPDATING");

    /// <summary>Creates a value; prefer the static members.</summary>
    /// <param name="value">The wire value, such as <c>ACTIVE</c>.</param>
    public StreamStatus(string value)
        : base(value)
    {
    }

    /// <summary>Finds the member whose wire value is <paramref name="value"/> (or makes a new one).</summary>
    /// <param name="value">The wire value, such as <c>ACTIVE</c>.</param>
    /// <returns>The matching value.</returns>
    public static StreamStatus FindValue(string value) => FindValue<StreamStatus>(value);

    /// <summary>Converts a wire value such as <c>"ACTIVE"</c>.</summary>
    /// <param name="value">The wire value.</param>
    public static implicit operator StreamStatus(string value) => FindValue(value);
}
