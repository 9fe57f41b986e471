using System.Net;
using LogPipe.Hosting.Dashboard.Tests.Support;

namespace LogPipe.Hosting.Dashboard.Tests;

/// <summary>A service that does not register the operator library: the dashboard neither offers nor serves its offsets and outbox pages.</summary>
public sealed class OffsetsWithoutOperationsTests
{
    [Fact]
    public async Task Without_the_operator_library_the_offsets_and_outbox_pages_are_neither_linked_nor_served()
    {
        await using var host = await DashboardTestHost.StartAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        var overview = await http.GetStringAsync("/logpipe/");
        using var offsets = await http.GetAsync("/logpipe/offsets");
        using var outbox = await http.GetAsync("/logpipe/outbox");

        Assert.DoesNotContain("/logpipe/offsets", overview, StringComparison.Ordinal);
        Assert.DoesNotContain("/logpipe/outbox", overview, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, offsets.StatusCode);
        Assert.Contains("AddLogPipeOperations<TDbContext>()", await offsets.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, outbox.StatusCode);
    }
}
