namespace LogPipe.Hosting.Operations;

/// <summary>
/// A Kinesis sequence number as text: a decimal number without leading zeros (the API's pattern is
/// <c>0|([1-9]\d{0,128})</c>; the numbers Kinesis hands out have 56 digits, far more than 128 bits). At most 128 digits
/// here, the width of the checkpoint's column.
/// </summary>
internal static class KinesisSequenceNumber
{
    public const int MaxDigits = 128;

    /// <summary>Whether <paramref name="text"/> is a well-formed sequence number.</summary>
    public static bool IsWellFormed(string? text) =>
        text is { Length: > 0 and <= MaxDigits } && text.All(char.IsAsciiDigit) && (text.Length == 1 || text[0] != '0');

    /// <summary>Orders two well-formed sequence numbers numerically (longer is larger, then digit by digit).</summary>
    public static int Compare(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return left.Length != right.Length ? left.Length.CompareTo(right.Length) : string.CompareOrdinal(left, right);
    }
}
