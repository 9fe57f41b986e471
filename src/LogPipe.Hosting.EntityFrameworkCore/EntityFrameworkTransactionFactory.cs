using LogPipe.Hosting.Checkpoints;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>
/// Units of work in <typeparamref name="TDbContext"/>'s transaction (records in savepoints, dead letters in the table) for
/// checkpoint stores that keep positions elsewhere, such as Kafka consumer-group commits.
/// </summary>
/// <typeparam name="TDbContext">The application's DbContext.</typeparam>
internal sealed class EntityFrameworkTransactionFactory<TDbContext> : ITransactionFactory
    where TDbContext : DbContext
{
    private readonly CheckpointVersions _unused = new();
    private readonly string _consumerGroup;
    private readonly System.Data.IsolationLevel? _isolationLevel;

    /// <summary>Creates the factory.</summary>
    /// <param name="options">LogPipe's options (the consumer group of dead letters, the units' isolation level).</param>
    public EntityFrameworkTransactionFactory(IOptions<LogPipeOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _consumerGroup = ConsumerGroupName.Resolve(options.Value);
        _isolationLevel = options.Value.UnitOfWork.IsolationLevel;
    }

    /// <inheritdoc />
    public async Task<IUnitOfWork> BeginAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<TDbContext>();
        db.Database.AutoSavepointsEnabled = false;
        var transaction = await UnitOfWorkTransaction.BeginUnlessRetryingAsync(db.Database, _isolationLevel, cancellationToken).ConfigureAwait(false);
        return new EntityFrameworkUnitOfWork(_unused, writer: null, _consumerGroup, db, transaction, _isolationLevel);
    }
}
