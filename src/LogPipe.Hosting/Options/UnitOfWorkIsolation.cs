using System.Data;

namespace LogPipe.Hosting;

/// <summary>Which <see cref="IsolationLevel"/> values <see cref="UnitOfWorkOptions.IsolationLevel"/> accepts.</summary>
internal static class UnitOfWorkIsolation
{
    private static readonly IsolationLevel[] Usable =
    [
        IsolationLevel.ReadUncommitted,
        IsolationLevel.ReadCommitted,
        IsolationLevel.RepeatableRead,
        IsolationLevel.Serializable,
        IsolationLevel.Snapshot,
    ];

    /// <summary>The accepted names, for error messages.</summary>
    public static string Choices { get; } = string.Join(", ", Usable);

    /// <summary>
    /// Not set (the provider's default) or a level a transaction can begin with: <c>Chaos</c> and <c>Unspecified</c> are
    /// refused by the providers, and a number bound from configuration may name no level at all.
    /// </summary>
    public static bool IsUsable(IsolationLevel? level) => level is null || Array.IndexOf(Usable, level.Value) >= 0;
}
