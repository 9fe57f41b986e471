using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting;

/// <summary>
/// LogPipe's health: Unhealthy when the consumer loop stopped on a fault or is stuck (no record handled and no idle poll
/// finished for <c>LogPipe:Health:StallTimeout</c>), or when the transport is unreachable; Degraded when a partition
/// holds records without progress for <c>LogPipe:Health:PartitionStallTimeout</c>, when lag exceeds
/// <c>LogPipe:Health:MaxLag</c> (records) or <c>LogPipe:Health:MaxTimeBehindLatest</c> (time, Kinesis), or when consumers have not started yet; Healthy otherwise.
/// Registered by <c>AddLogPipe</c> as <c>logpipe</c> with tags <c>logpipe</c> and <c>ready</c> (opt out with <c>LogPipe:DisableHealthChecks</c>).
/// </summary>
public sealed class LogPipeHealthCheck : IHealthCheck
{
    private readonly LogPipeConsumerRunner _runner;
    private readonly LogPipeConfiguration _configuration;
    private readonly IOptions<LogPipeOptions> _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the check.</summary>
    /// <param name="runner">The consumer runner.</param>
    /// <param name="configuration">What was configured.</param>
    /// <param name="options">LogPipe's options.</param>
    /// <param name="time">The clock.</param>
    public LogPipeHealthCheck(LogPipeConsumerRunner runner, LogPipeConfiguration configuration, IOptions<LogPipeOptions> options, TimeProvider time)
    {
        _runner = runner;
        _configuration = configuration;
        _options = options;
        _time = time;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var options = _options.Value;
        var data = new Dictionary<string, object>();
        if (_runner.Transport is ITransportHealth transport)
        {
            var (reachable, description) = transport.CheckReachability();
            data["transport"] = description;
            if (!reachable) return Task.FromResult(HealthCheckResult.Unhealthy($"Transport unreachable: {description}", data: data));
        }

        if (_configuration.Consumers.Count == 0 || !options.EnableConsumers) return Task.FromResult(HealthCheckResult.Healthy("No consumers run here.", data));

        var status = _runner.Status;
        data["state"] = status.State.ToString();
        if (status.LastCommitAt is { } commit) data["lastCommitAt"] = commit;
        switch (status.State)
        {
            case ConsumerRunnerState.Faulted:
                return Task.FromResult(HealthCheckResult.Unhealthy($"The consumer service stopped: {status.Fault?.Message}", status.Fault, data));
            case ConsumerRunnerState.NotStarted:
                return Task.FromResult(HealthCheckResult.Degraded("The consumer service has not started yet.", data: data));
            case ConsumerRunnerState.Stopped:
                return Task.FromResult(HealthCheckResult.Unhealthy("The consumer service stopped.", data: data));
        }

        // Progress is records handled and idle polls finished, not loop turns: a quiet topic is healthy, a loop held inside a
        // save that never returns is not.
        var stalledFor = _time.GetUtcNow() - (status.LastProgressAt ?? DateTimeOffset.MinValue);
        if (status.LastProgressAt is { } progress) data["lastProgressAt"] = progress;
        if (stalledFor > options.Health.StallTimeout)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"The consumer loop has made no progress (no record handled, no idle poll finished) for {stalledFor.TotalSeconds:F0} s, over LogPipe:Health:StallTimeout ({options.Health.StallTimeout}).",
                data: data));
        }

        var stalled = _runner.Progress.Stalled(options.Health.PartitionStallTimeout);
        if (stalled.Count > 0)
        {
            var oldest = stalled.MinBy(s => s.Since);
            var now = _time.GetUtcNow();
            data["stalledPartitions"] = string.Join(", ", stalled.Select(s => s.Partition.ToString()));
            var behind = oldest.Lag is { } l ? $" with {l} records after its position" : "";
            return Task.FromResult(HealthCheckResult.Degraded(
                $"{stalled.Count} partition(s) hold records without progress over LogPipe:Health:PartitionStallTimeout ({options.Health.PartitionStallTimeout}): {oldest.Partition} for {(now - oldest.Since).TotalSeconds:F0} s{behind}.",
                data: data));
        }

        if (_runner.MaxLag is { } lag)
        {
            data["maxLag"] = lag;
            if (options.Health.MaxLag is { } max && lag > max)
            {
                return Task.FromResult(HealthCheckResult.Degraded($"Lag {lag} records exceeds LogPipe:Health:MaxLag ({max}).", data: data));
            }
        }

        if (_runner.MaxTimeBehindLatest is { } furthest)
        {
            var millis = (long)furthest.Value.TotalMilliseconds;
            data["maxMillisBehindLatest"] = millis;
            if (options.Health.MaxTimeBehindLatest is { } maxBehind && furthest.Value > maxBehind)
            {
                return Task.FromResult(HealthCheckResult.Degraded(
                    $"{furthest.Key} is {millis} ms behind its newest record, over LogPipe:Health:MaxTimeBehindLatest ({maxBehind}).",
                    data: data));
            }
        }

        return Task.FromResult(HealthCheckResult.Healthy("Consuming.", data));
    }
}
