namespace LogPipe.Hosting.Transport;

/// <summary>
/// A source whose partitions can be in the middle of a revocation: their records are still current for the unit of work
/// being applied, but no new unit may take them (<see cref="Consumers.CommitOrderedCheckpoints.Revoke"/> waits for the
/// units taken before). The consumer service drops such records when it gathers a unit.
/// </summary>
internal interface IRevokingSource
{
    /// <summary>Whether <paramref name="record"/>'s partition is being revoked: it must not go into a new unit.</summary>
    /// <param name="record">A record this source returned.</param>
    bool IsRevoking(IncomingRecord record);
}
