using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Transport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>
/// Lists, replays and purges the dead letters kept in <typeparamref name="TDbContext"/>. Replay applies each one through
/// the consumers' current serializers — after deploying a fix, or registering the version that was unknown — in its own
/// transaction: applied ones are removed, the others keep their record with the new error and one more attempt.
/// </summary>
/// <typeparam name="TDbContext">The application's DbContext.</typeparam>
public sealed class DeadLetterStore<TDbContext>
    where TDbContext : DbContext
{
    private readonly IServiceScopeFactory _scopes;
    private readonly LogPipeRecordApplier _applier;
    private readonly TimeProvider _time;
    private readonly string _consumerGroup;

    /// <summary>Creates the store.</summary>
    /// <param name="scopes">Creates a scope per operation.</param>
    /// <param name="applier">Applies records through the consumers' serializers.</param>
    /// <param name="options">LogPipe's options (for the consumer group).</param>
    /// <param name="time">The clock.</param>
    public DeadLetterStore(IServiceScopeFactory scopes, LogPipeRecordApplier applier, IOptions<LogPipeOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _scopes = scopes;
        _applier = applier;
        _time = time;
        _consumerGroup = ConsumerGroupName.Resolve(options.Value);
    }

    /// <summary>Dead letters matching <paramref name="query"/>, oldest first.</summary>
    /// <param name="query">The filters.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The dead letters.</returns>
    public async Task<IReadOnlyList<LogPipeDeadLetter>> ListAsync(DeadLetterQuery query, CancellationToken cancellationToken = default)
    {
        var scope = _scopes.CreateAsyncScope();
        await using var scopeDisposal = scope.ConfigureAwait(false);
        return await Filter(scope.ServiceProvider.GetRequiredService<TDbContext>(), query).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many dead letters match <paramref name="query"/> (ignoring its paging).</summary>
    /// <param name="query">The filters.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The count.</returns>
    public async Task<int> CountAsync(DeadLetterQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var scope = _scopes.CreateAsyncScope();
        await using var scopeDisposal = scope.ConfigureAwait(false);
        return await Filter(scope.ServiceProvider.GetRequiredService<TDbContext>(), query with { Skip = 0, Take = int.MaxValue })
            .CountAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One dead letter by id.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The dead letter, or <see langword="null"/>.</returns>
    public async Task<LogPipeDeadLetter?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        var scope = _scopes.CreateAsyncScope();
        await using var scopeDisposal = scope.ConfigureAwait(false);
        return await scope.ServiceProvider.GetRequiredService<TDbContext>().Set<LogPipeDeadLetter>().AsNoTracking()
            .FirstOrDefaultAsync(d => d.Id == id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the dead letters matching <paramref name="query"/>.</summary>
    /// <param name="query">The filters (paging applies).</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    /// <returns>How many were deleted.</returns>
    public async Task<int> PurgeAsync(DeadLetterQuery query, CancellationToken cancellationToken = default)
    {
        var scope = _scopes.CreateAsyncScope();
        await using var scopeDisposal = scope.ConfigureAwait(false);
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var ids = await Filter(db, query).Select(d => d.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return await DeadLetterRows.DeleteAsync(db, ids, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies the dead letters matching <paramref name="query"/> again, oldest first, each in its own transaction.</summary>
    /// <param name="query">The filters (paging applies).</param>
    /// <param name="cancellationToken">Cancels the replay between records.</param>
    /// <returns>How many were applied and removed, and how many failed again.</returns>
    public async Task<DeadLetterReplayResult> ReplayAsync(DeadLetterQuery query, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<LogPipeDeadLetter> letters = await ListAsync(query, cancellationToken).ConfigureAwait(false);
        int replayed = 0, failing = 0;
        foreach (var letter in letters)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await ReplayOneAsync(letter, cancellationToken).ConfigureAwait(false)) replayed++;
            else failing++;
        }

        return new DeadLetterReplayResult(replayed, failing);
    }

    private async Task<bool> ReplayOneAsync(LogPipeDeadLetter letter, CancellationToken cancellationToken)
    {
        var record = new IncomingRecord(
            new PartitionKey(letter.Transport, letter.Stream, letter.Partition),
            letter.Offset,
            letter.Key,
            letter.Value,
            letter.RecordTimestamp)
        { SequenceNumber = letter.SequenceNumber };

        string? error = null;
        string? kind = null;
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
            try
            {
                // One replay is the execution strategy's operation: with EnableRetryOnFailure() a transient failure runs it
                // again from the start (a fresh transaction, nothing tracked), and a commit whose answer was lost counts as
                // done when the dead letter is gone, since it is deleted in the same transaction.
                var result = await db.Database.CreateExecutionStrategy().ExecuteAsync(
                    (Store: this, Letter: letter, Record: record, Services: scope.ServiceProvider),
                    static (context, replay, ct) => replay.Store.ApplyInTransactionAsync(context, replay.Letter.Id, replay.Record, replay.Services, ct),
                    static async (context, replay, ct) => new ExecutionResult<ApplyResult>(
                        !await context.Set<LogPipeDeadLetter>().AnyAsync(d => d.Id == replay.Letter.Id, ct).ConfigureAwait(false),
                        new ApplyResult(Applied: true, ErrorKind: null, Error: null, MessageType: null, Version: null)),
                    cancellationToken).ConfigureAwait(false);
                if (result.Applied) return true;
                (kind, error) = (result.ErrorKind.ToString(), result.Error);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                (kind, error) = (nameof(MessageErrorKind.SaveFailed), $"{ex.GetType().Name}: {ex.Message}");
            }
        }

        // The replay failed: keep the dead letter, with what went wrong this time (storable, whatever the record held).
        error = DeadLetterText.Fit(error, DeadLetterText.MaxErrorLength);
        var updateScope = _scopes.CreateAsyncScope();
        await using (updateScope.ConfigureAwait(false))
        {
            var now = _time.GetUtcNow();
            await updateScope.ServiceProvider.GetRequiredService<TDbContext>().Set<LogPipeDeadLetter>()
                .Where(d => d.Id == letter.Id)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(d => d.ErrorKind, kind!)
                        .SetProperty(d => d.Error, error!)
                        .SetProperty(d => d.Attempts, d => d.Attempts + 1)
                        .SetProperty(d => d.DeadLetteredAt, now),
                    cancellationToken)
                .ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>Applies one dead letter's record and deletes the dead letter, in one transaction; rolls back unless applied.</summary>
    private async Task<ApplyResult> ApplyInTransactionAsync(DbContext db, long id, IncomingRecord record, IServiceProvider services, CancellationToken cancellationToken)
    {
        // What a failed attempt left tracked must not be saved by the next one.
        db.ChangeTracker.Clear();
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var result = await _applier.ApplyAsync(record, services, cancellationToken).ConfigureAwait(false);
            if (!result.Applied) return result;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await db.Set<LogPipeDeadLetter>().Where(d => d.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
    }

    private IQueryable<LogPipeDeadLetter> Filter(TDbContext db, DeadLetterQuery query) =>
        db.Set<LogPipeDeadLetter>().Matching(query, _consumerGroup);
}
