namespace LogPipe.Hosting.Dashboard;

/// <summary>Metadata on every dashboard endpoint, so the startup log finds them among the application's endpoints.</summary>
/// <param name="Prefix">The path the dashboard is mapped under.</param>
internal sealed record DashboardEndpointMarker(string Prefix);
