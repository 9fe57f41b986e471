using LogPipe.Hosting.Operations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Dashboard.Rendering;

/// <summary>
/// Which of the pages that need more than <c>AddLogPipe</c> this service can show: the offsets page needs the operator
/// library (<c>AddLogPipeOperations&lt;TDbContext&gt;()</c>), the outbox page also an outbox
/// (<c>UseEntityFrameworkOutbox</c>, told by its health check <c>logpipe-outbox</c>).
/// </summary>
internal sealed class DashboardFeatures
{
    /// <summary>The name of the health check <c>UseEntityFrameworkOutbox</c> adds.</summary>
    public const string OutboxHealthCheck = "logpipe-outbox";

    public DashboardFeatures(IServiceProvider services, IOptions<HealthCheckServiceOptions> health)
    {
        Operations = services.GetService(typeof(LogPipeOperations)) as LogPipeOperations;
        Outbox = Operations is not null && health.Value.Registrations.Any(r => r.Name == OutboxHealthCheck);
    }

    /// <summary>The operator library, or <see langword="null"/> when the service did not register it.</summary>
    public LogPipeOperations? Operations { get; }

    /// <summary>Whether the service has an outbox the operator library can read.</summary>
    public bool Outbox { get; }
}
