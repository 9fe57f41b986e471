using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>
/// Replays, in the running service, the dead letters an operator marked for replay (<c>logpipe dead-letters replay</c>
/// sets <see cref="LogPipeDeadLetter.ReplayRequestedAt"/>): only this process has the serializers that can apply them.
/// Every <c>LogPipe:DeadLetters:ReplayPoll</c> it takes the requests of its own consumer group and replays them through
/// <see cref="DeadLetterStore{TDbContext}.ReplayAsync"/>: applied ones disappear, the others stay with the new error,
/// one more attempt and no pending request.
/// </summary>
/// <remarks>
/// Several instances of a service may run it: each request is taken by one conditional update, so only one instance
/// replays a dead letter. A request taken by an instance that dies before replaying it is dropped; ask again.
/// It runs in processes whose consumers run (<c>LogPipe:EnableConsumers</c>) unless
/// <see cref="DeadLetterReplayOptions.DisableReplayRequests"/> is set.
/// </remarks>
/// <typeparam name="TDbContext">The application's DbContext.</typeparam>
internal sealed class DeadLetterReplayService<TDbContext> : BackgroundService
    where TDbContext : DbContext
{
    private const int BatchSize = 100;

    private readonly IServiceScopeFactory _scopes;
    private readonly DeadLetterStore<TDbContext> _store;
    private readonly DeadLetterReplayOptions _options;
    private readonly bool _consumersRun;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    /// <param name="scopes">Creates a scope per poll.</param>
    /// <param name="store">Replays the dead letters.</param>
    /// <param name="logPipeOptions">LogPipe's options (consumer group, whether consumers run).</param>
    /// <param name="options">The poll interval and the opt-out switch.</param>
    /// <param name="time">The clock the poll interval runs on.</param>
    /// <param name="logger">The logger.</param>
    public DeadLetterReplayService(
        IServiceScopeFactory scopes,
        DeadLetterStore<TDbContext> store,
        IOptions<LogPipeOptions> logPipeOptions,
        IOptions<DeadLetterReplayOptions> options,
        TimeProvider time,
        ILogger<DeadLetterReplayService<TDbContext>> logger)
    {
        ArgumentNullException.ThrowIfNull(logPipeOptions);
        ArgumentNullException.ThrowIfNull(options);
        _scopes = scopes;
        _store = store;
        _options = options.Value;
        _consumersRun = logPipeOptions.Value.EnableConsumers;
        ConsumerGroup = ConsumerGroupName.Resolve(logPipeOptions.Value);
        _time = time;
        _logger = logger;
    }

    /// <summary>The consumer group whose replay requests this service takes.</summary>
    public string ConsumerGroup { get; }

    /// <summary>Takes every pending replay request of <see cref="ConsumerGroup"/> and replays those dead letters, oldest first.</summary>
    /// <param name="cancellationToken">Cancels between dead letters.</param>
    /// <returns>How many were applied and removed, and how many failed again.</returns>
    public async Task<DeadLetterReplayResult> ReplayRequestedAsync(CancellationToken cancellationToken)
    {
        int replayed = 0, failing = 0;
        while (true)
        {
            var taken = await TakeRequestsAsync(cancellationToken).ConfigureAwait(false);
            if (taken.Count == 0) break;

            DeadLetterReplayLog.Replaying(_logger, taken.Count, ConsumerGroup);
            var result = await _store.ReplayAsync(new DeadLetterQuery { ConsumerGroup = ConsumerGroup, Ids = taken, Take = taken.Count }, cancellationToken)
                .ConfigureAwait(false);
            DeadLetterReplayLog.Replayed(_logger, result.Replayed, result.StillFailing, ConsumerGroup);
            replayed += result.Replayed;
            failing += result.StillFailing;
        }

        return new DeadLetterReplayResult(replayed, failing);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.DisableReplayRequests || !_consumersRun) return;

        using var timer = new PeriodicTimer(_options.ReplayPoll, _time);
        var failing = false;
        try
        {
            // The first look comes one interval after start, not during it: a starting service has enough to do.
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await ReplayRequestedAsync(stoppingToken).ConfigureAwait(false);
                    failing = false;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // A database that is down or not migrated yet must not stop the host: say so once, then keep trying.
                    if (!failing) DeadLetterReplayLog.PollFailed(_logger, ex, ConsumerGroup, (int)_options.ReplayPoll.TotalMilliseconds);
                    else DeadLetterReplayLog.PollStillFailing(_logger, ex, ConsumerGroup);
                    failing = true;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Takes up to a batch of this group's requests, each by a conditional update that only one instance wins.</summary>
    private async Task<List<long>> TakeRequestsAsync(CancellationToken cancellationToken)
    {
        var scope = _scopes.CreateAsyncScope();
        await using var scopeDisposal = scope.ConfigureAwait(false);
        var letters = scope.ServiceProvider.GetRequiredService<TDbContext>().Set<LogPipeDeadLetter>();
        var requested = await letters
            .Where(d => d.ConsumerGroup == ConsumerGroup && d.ReplayRequestedAt != null)
            .OrderBy(d => d.Id)
            .Select(d => d.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        var taken = new List<long>(requested.Count);
        foreach (var id in requested)
        {
            var rows = await letters
                .Where(d => d.Id == id && d.ReplayRequestedAt != null)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.ReplayRequestedAt, (DateTimeOffset?)null), cancellationToken)
                .ConfigureAwait(false);
            if (rows == 1) taken.Add(id);
        }

        return taken;
    }
}
