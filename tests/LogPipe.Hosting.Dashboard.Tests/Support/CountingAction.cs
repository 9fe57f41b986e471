using LogPipe.Hosting.Dashboard.Actions;
using Microsoft.AspNetCore.Http;

namespace LogPipe.Hosting.Dashboard.Tests.Support;

/// <summary>
/// A dashboard action for the tests of the POST plumbing (antiforgery, read-only): it changes nothing but its own count.
/// The real actions (replay, purge, offsets) come with the operations library.
/// </summary>
public sealed class CountingAction : IDashboardAction
{
    private int _runs;

    public int Runs => Volatile.Read(ref _runs);

    public string Name => "count";

    public string Label => "Count";

    public string Description => "Counts its runs (a test action).";

    public Task<string> RunAsync(HttpContext context, CancellationToken cancellationToken) =>
        Task.FromResult($"run {Interlocked.Increment(ref _runs)}");
}
