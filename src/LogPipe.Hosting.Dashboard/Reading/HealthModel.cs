using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LogPipe.Hosting.Dashboard.Reading;

/// <summary>The result of the service's health checks.</summary>
/// <param name="Status">The worst status of them.</param>
/// <param name="Entries">Each check: name, status, description.</param>
internal sealed record HealthModel(HealthStatus Status, IReadOnlyList<(string Name, HealthStatus Status, string? Description)> Entries);
