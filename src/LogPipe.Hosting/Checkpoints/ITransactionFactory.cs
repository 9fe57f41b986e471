namespace LogPipe.Hosting.Checkpoints;

/// <summary>
/// Begins the application's data transaction for a unit of work when checkpoints live elsewhere (for example in Kafka
/// consumer-group commits): serializers' changes are flushed per record and committed per unit, without checkpoint rows.
/// </summary>
/// <remarks>Extension point for transport authors: implement it when checkpoints live outside the application's
/// database. See docs/extending.md.</remarks>
public interface ITransactionFactory
{
    /// <summary>Begins a unit of work whose <see cref="IUnitOfWork.CommitAsync"/> commits the data only.</summary>
    /// <param name="services">The unit of work's service scope.</param>
    /// <param name="cancellationToken">Cancels beginning.</param>
    /// <returns>The unit of work.</returns>
    Task<IUnitOfWork> BeginAsync(IServiceProvider services, CancellationToken cancellationToken);
}
