using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// The outbox's health (<c>logpipe-outbox</c>): Degraded when the oldest unsent entry is older than
/// <see cref="OutboxOptions.MaxAge"/> (the broker is down, the relay is behind, or no instance relays) or when
/// entries are set aside for an operator; Unhealthy when the outbox table cannot be read.
/// </summary>
internal sealed class OutboxHealthCheck<TDbContext>(IServiceScopeFactory scopes, IOptions<OutboxOptions> options, TimeProvider time) : IHealthCheck
    where TDbContext : DbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>();
        try
        {
            var scope = scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var stats = await OutboxQueries.StatsAsync(scope.ServiceProvider.GetRequiredService<TDbContext>(), cancellationToken).ConfigureAwait(false);
                data["backlog"] = stats.Backlog;
                data["setAside"] = stats.SetAside;
                var maxAge = options.Value.MaxAge;
                if (stats.OldestCreatedAt is { } oldest)
                {
                    var age = time.GetUtcNow() - oldest;
                    data["oldestAgeSeconds"] = Math.Round(age.TotalSeconds, 1);
                    if (age > maxAge)
                    {
                        return HealthCheckResult.Degraded(
                            $"The oldest unsent outbox entry is {age.TotalSeconds:F0} s old (LogPipe:Outbox:MaxAge is {maxAge}); {stats.Backlog} entries wait.", data: data);
                    }
                }

                if (stats.SetAside > 0)
                {
                    return HealthCheckResult.Degraded($"{stats.SetAside} outbox entries were refused by the broker and set aside; see logpipe outbox list --set-aside.", data: data);
                }

                return HealthCheckResult.Healthy($"{stats.Backlog} outbox entries wait.", data);
            }
        }
#pragma warning disable CA1031 // A health check reports failures; it does not throw them.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy($"The outbox table cannot be read: {ex.Message}", ex, data);
        }
    }
}
