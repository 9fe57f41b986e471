using LogPipe.Hosting.Dashboard.Actions;
using LogPipe.Hosting.Dashboard.Rendering;
using LogPipe.Hosting.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Dashboard.Reading;

/// <summary>
/// Reads the offsets and outbox pages' data through the operator library (<see cref="LogPipeOperations"/>), the same
/// queries the <c>logpipe</c> CLI runs: the stored checkpoint rows, and the outbox's statistics and entries. A failure
/// to read is shown on the page (and logged), not thrown.
/// </summary>
internal sealed class OperationsReader
{
    private readonly DashboardFeatures _features;
    private readonly IOptions<LogPipeOptions> _options;
    private readonly ILogger<OperationsReader> _logger;

    public OperationsReader(DashboardFeatures features, IOptions<LogPipeOptions> options, ILogger<OperationsReader> logger)
    {
        _features = features;
        _options = options;
        _logger = logger;
    }

    public async Task<OffsetsModel> OffsetsAsync(CancellationToken cancellationToken)
    {
        var operations = Require();
        var group = operations.ConsumerGroup ?? "";
        try
        {
            IReadOnlyList<CheckpointStatus> rows;
            string? lagUnknown = null;
            try
            {
                rows = await operations.ListCheckpointsAsync(group, withLag: true, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationException ex)
            {
                // The stored rows are in the database: show them without the lag when the cluster cannot be asked.
                OffsetLog.CheckpointsUnreadable(_logger, ex, group);
                rows = await operations.ListCheckpointsAsync(group, withLag: false, cancellationToken).ConfigureAwait(false);
                lagUnknown = ex.Message;
            }

            var ordered = rows.OrderBy(r => r.Transport, StringComparer.Ordinal).ThenBy(r => r.Stream, StringComparer.Ordinal)
                .ThenBy(r => long.TryParse(r.Partition, out var n) ? n : long.MaxValue).ThenBy(r => r.Partition, StringComparer.Ordinal).ToList();
            return new OffsetsModel(group, _options.Value.EnableConsumers, ordered, null) { LagUnknown = lagUnknown };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            OffsetLog.CheckpointsUnreadable(_logger, ex, group);
            return new OffsetsModel(group, _options.Value.EnableConsumers, [], ex.Message);
        }
    }

    public async Task<OutboxModel> OutboxAsync(CancellationToken cancellationToken)
    {
        var operations = Require();
        try
        {
            var statistics = await operations.OutboxStatisticsAsync(cancellationToken).ConfigureAwait(false);
            var setAside = await operations.ListOutboxAsync(setAside: true, OutboxModel.Shown, cancellationToken).ConfigureAwait(false);
            var waiting = await operations.ListOutboxAsync(setAside: false, OutboxModel.Shown, cancellationToken).ConfigureAwait(false);
            return new OutboxModel(statistics, setAside.Entries, waiting.Entries, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            OffsetLog.OutboxUnreadable(_logger, ex);
            return new OutboxModel(null, [], [], ex.Message);
        }
    }

    /// <summary>The answer for a page this service cannot show (no operator library, or no outbox), or <see langword="null"/>.</summary>
    public IResult? Unavailable(bool outbox) =>
        _features.Operations is null
            ? Results.Text("404 Not Found: this page needs the operator library: call builder.Services.AddLogPipeOperations<TDbContext>().", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound)
            : outbox && !_features.Outbox
                ? Results.Text("404 Not Found: this service has no outbox (UseEntityFrameworkOutbox).", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound)
                : null;

    private LogPipeOperations Require() => _features.Operations
        ?? throw new InvalidOperationException("The dashboard's offsets and outbox pages need the operator library: call builder.Services.AddLogPipeOperations<TDbContext>().");
}
