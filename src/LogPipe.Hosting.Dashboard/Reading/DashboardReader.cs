using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Dashboard.Actions;
using LogPipe.Hosting.Dashboard.Rendering;
using LogPipe.Hosting.Operations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Dashboard.Reading;

/// <summary>
/// Reads what the pages show from what the running service already knows: the consumer loop's status and progress, the
/// registered consumers, the health checks, and the shard leases of the checkpoint store. Reads nothing through the
/// checkpoint store's <c>ReadAsync</c>: that read also resets what the next checkpoint write is conditional on.
/// </summary>
internal sealed class DashboardReader
{
    private readonly LogPipeConsumerRunner _runner;
    private readonly LogPipeConfiguration _configuration;
    private readonly IOptions<LogPipeOptions> _options;
    private readonly HealthCheckService? _health;
    private readonly ILogger<DashboardReader> _logger;
    private readonly DashboardFeatures _features;

    public DashboardReader(LogPipeConsumerRunner runner, LogPipeConfiguration configuration, IOptions<LogPipeOptions> options, DashboardFeatures features, ILogger<DashboardReader> logger, HealthCheckService? health = null)
    {
        _features = features;
        _runner = runner;
        _configuration = configuration;
        _options = options;
        _health = health;
        _logger = logger;
    }

    public async Task<OverviewModel> OverviewAsync(CancellationToken cancellationToken)
    {
        var partitions = _runner.Progress.Partitions();
        var consumers = _configuration.Consumers
            .Select(c =>
            {
                var own = partitions.Where(p => p.Partition.Stream == c.Stream).ToList();
                var types = string.Join("; ", c.SerializersByType.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key} v{string.Join(", v", t.Value.Keys.Order())}"));
                return new ConsumerRow(
                    c.Stream,
                    types,
                    string.Join(", ", c.IgnoredTypes.Order(StringComparer.Ordinal)),
                    _runner.Progress.Activity.Of(c.Stream),
                    own.Count,
                    own.Max(p => p.Lag));
            })
            .ToList();
        return new OverviewModel(_runner.TransportName, _runner.ConsumerGroup, _runner.Status, _options.Value.EnableConsumers, await HealthAsync(cancellationToken).ConfigureAwait(false), consumers);
    }

    public async Task<PartitionsModel> PartitionsAsync(CancellationToken cancellationToken)
    {
        var partitions = _runner.Progress.Partitions();
        var leaseStore = _runner.Checkpoints.ShardLeases;
        var leases = new Dictionary<PartitionKey, ShardLease>();
        if (leaseStore is not null)
        {
            foreach (var (transport, stream) in partitions.Select(p => (p.Partition.Transport, p.Partition.Stream)).Distinct())
            {
                try
                {
                    foreach (var lease in await leaseStore.ListAsync(transport, stream, cancellationToken).ConfigureAwait(false)) leases[lease.Shard] = lease;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    DashboardLog.LeasesUnreadable(_logger, ex, stream);
                }
            }
        }

        var stored = await StoredAsync(cancellationToken).ConfigureAwait(false);
        var rows = partitions.Select(p => new PartitionRow(p, leases.GetValueOrDefault(p.Partition), stored?.GetValueOrDefault(p.Partition))).ToList();
        var idle = _configuration.Consumers.Select(c => c.Stream).Where(s => !partitions.Any(p => p.Partition.Stream == s)).ToList();
        // Lease columns only where leases exist (Kinesis with several instances): a store that could keep them says nothing of
        // a Kafka topic.
        return new PartitionsModel(_runner.TransportName, rows, idle, leases.Count > 0, leaseStore?.Owner) { StoredShown = stored is not null };
    }

    /// <summary>
    /// The stored checkpoint rows of this service's group (version, last update), through the operator library when the
    /// service registers it: a plain listing, not the checkpoint store's <c>ReadAsync</c>. <see langword="null"/> without it.
    /// </summary>
    private async Task<Dictionary<PartitionKey, CheckpointStatus>?> StoredAsync(CancellationToken cancellationToken)
    {
        if (_features.Operations is not { } operations) return null;
        try
        {
            var rows = await operations.ListCheckpointsAsync(_runner.ConsumerGroup, withLag: false, cancellationToken).ConfigureAwait(false);
            return rows.ToDictionary(r => new PartitionKey(r.Transport, r.Stream, r.Partition));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            OffsetLog.CheckpointsUnreadable(_logger, ex, _runner.ConsumerGroup);
            return null;
        }
    }

    private async Task<HealthModel?> HealthAsync(CancellationToken cancellationToken)
    {
        if (_health is null) return null;
        try
        {
            var report = await _health.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            return new HealthModel(report.Status, [.. report.Entries.Select(e => (e.Key, e.Value.Status, e.Value.Description))]);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            DashboardLog.HealthUnreadable(_logger, ex);
            return new HealthModel(HealthStatus.Unhealthy, [("health checks", HealthStatus.Unhealthy, ex.Message)]);
        }
    }
}
