using System.Text.RegularExpressions;
using LogPipe.Hosting.Dashboard.Tests.Support;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.Dashboard.Tests;

/// <summary>The lease columns of the partitions page, on a service whose checkpoint store keeps shard leases in SQLite.</summary>
public sealed class PartitionLeasesTests : IDisposable
{
    private readonly string _database = TestApp.NewDatabasePath();

    public void Dispose() => TestApp.DeleteDatabase(_database);

    [Fact]
    public async Task The_partitions_page_shows_the_instance_that_asked_the_holder_to_hand_a_lease_over()
    {
        const string asking = "web-2/4307/1c9d77e0";
        await using var host = await DashboardTestHost.StartAsync(database: _database);
        await host.AddRecordsAsync(3);
        var leases = host.Runner.Checkpoints.ShardLeases!;
        var partition = host.Runner.Progress.Partitions().First(p => p.Partition.Stream == DashboardTestHost.Topic).Partition;
        await leases.AddAsync([partition], CancellationToken.None);
        Assert.True(await leases.TryTakeAsync(Assert.Single(await leases.ListAsync(partition.Transport, partition.Stream, CancellationToken.None)), CancellationToken.None));
        // Another instance's hand-over request, as its lease store writes it.
        await host.QueryAsync(db => db.Set<LogPipeShardLease>().ExecuteUpdateAsync(s => s.SetProperty(r => r.WantedBy, asking)));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        var html = await http.GetStringAsync("/logpipe/partitions");

        Assert.Contains("<th>Wanted by</th>", html, StringComparison.Ordinal);
        var row = Regex.Match(html, $@"<td>{Regex.Escape(leases.Owner)}</td>\s*<td data-test=""wanted-by"">([^<]*)</td>");
        Assert.True(row.Success, $"No row of the lease holder {leases.Owner} with a wanted-by cell in:\n{html}");
        Assert.Equal(asking, row.Groups[1].Value);
    }
}
