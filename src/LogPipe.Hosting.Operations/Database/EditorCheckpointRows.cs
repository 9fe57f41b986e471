using LogPipe.Hosting.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Operations;

/// <summary><see cref="CheckpointRows"/> on <typeparamref name="TDbContext"/>.</summary>
internal sealed class EditorCheckpointRows<TDbContext> : CheckpointRows
    where TDbContext : DbContext
{
    private readonly CheckpointEditor<TDbContext> _editor;
    private readonly string _group;

    public EditorCheckpointRows(IServiceScopeFactory scopes, string consumerGroup, TimeProvider time)
    {
        _group = consumerGroup;
        _editor = new CheckpointEditor<TDbContext>(scopes, Options.Create(new LogPipeOptions { ConsumerGroup = consumerGroup }), time);
    }

    public override Task<IReadOnlyList<LogPipeCheckpoint>> ListAsync(CancellationToken cancellationToken) => _editor.ListAsync(_group, cancellationToken);

    public override Task<LogPipeCheckpoint> SetAsync(PartitionKey partition, Checkpoint checkpoint, CancellationToken cancellationToken) =>
        _editor.SetAsync(partition, checkpoint, _group, cancellationToken);

    public override Task<LogPipeCheckpoint> SetAsync(PartitionKey partition, Checkpoint checkpoint, long expectedVersion, CancellationToken cancellationToken) =>
        _editor.SetAsync(partition, checkpoint, expectedVersion, _group, cancellationToken);
}
