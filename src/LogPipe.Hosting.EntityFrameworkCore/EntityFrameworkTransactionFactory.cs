using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Hosting;
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

    /// <summary>Creates the factory.</summary>
    /// <param name="options">LogPipe's options (for the consumer group of dead letters).</param>
    public EntityFrameworkTransactionFactory(IOptions<LogPipeOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _consumerGroup = ConsumerGroupName.Resolve(options.Value);
    }

    /// <inheritdoc />
    public async Task<IUnitOfWork> BeginAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<TDbContext>();
        db.Database.AutoSavepointsEnabled = false;
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        return new EntityFrameworkUnitOfWork(_unused, writer: null, _consumerGroup, db, transaction);
    }
}
