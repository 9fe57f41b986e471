namespace LogPipe.Hosting;

/// <summary>One difference between a published message contract and the current serializers.</summary>
/// <param name="Kind">What changed.</param>
/// <param name="MessageType">The message type.</param>
/// <param name="Version">The message version.</param>
/// <param name="Field">The wire name of the field concerned, or <see langword="null"/> when the whole message is.</param>
/// <param name="IsBreaking">Whether a service written for the published contract would fail on it.</param>
/// <param name="Description">What changed, in a sentence.</param>
public sealed record ContractDifference(ContractChangeKind Kind, string MessageType, int Version, string? Field, bool IsBreaking, string Description)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{MessageType} v{Version}{(Field is null ? "" : $" field '{Field}'")}: {Description} ({Kind}{(IsBreaking ? ", breaking" : "")})";
}
