using System.Net;
using LogPipe.Hosting.Dashboard.Tests.Support;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Dashboard.Tests;

/// <summary>Who the dashboard answers, and what a POST needs, checked over HTTP against a running host.</summary>
public sealed class DashboardSecurityTests
{
    private const string RemoteAddress = "203.0.113.7";

    private static HttpRequestMessage FromRemote(HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("X-Forwarded-For", RemoteAddress);
        return request;
    }

    [Fact]
    public async Task Without_a_policy_a_request_from_a_remote_address_is_refused_with_403_and_a_local_one_is_answered()
    {
        await using var host = await DashboardTestHost.StartAsync();
        using var http = new HttpClient();

        using var remote = await http.SendAsync(FromRemote(HttpMethod.Get, host.Url("/logpipe/")));
        Assert.Equal(HttpStatusCode.Forbidden, remote.StatusCode);
        Assert.Contains("only local requests", await remote.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var remotePartitions = await http.SendAsync(FromRemote(HttpMethod.Get, host.Url("/logpipe/partitions")));
        Assert.Equal(HttpStatusCode.Forbidden, remotePartitions.StatusCode);
        using var remoteStylesheet = await http.SendAsync(FromRemote(HttpMethod.Get, host.Url("/logpipe/dashboard.css")));
        Assert.Equal(HttpStatusCode.Forbidden, remoteStylesheet.StatusCode);

        using var local = await http.GetAsync(host.Url("/logpipe/"));
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        Assert.Contains(LogEvents.DashboardRemoteRequestRefused, host.Logs.Entries.Select(e => e.EventId.Id));
    }

    [Fact]
    public async Task Without_a_policy_the_startup_log_says_the_dashboard_answers_only_local_requests()
    {
        await using var host = await DashboardTestHost.StartAsync();

        var line = Assert.Single(host.Logs.Entries, e => e.EventId.Id == LogEvents.DashboardLocalRequestsOnly);
        Assert.Contains("/logpipe", line.Message, StringComparison.Ordinal);
        Assert.Contains("RequireAuthorization", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_policy_the_policy_decides_whoever_asks_and_the_startup_log_names_it()
    {
        await using var host = await DashboardTestHost.StartAsync(policy: "ops");
        using var http = new HttpClient();

        // Admitted from a remote address: the local-only rule gives way to the policy.
        using var remoteOperator = FromRemote(HttpMethod.Get, host.Url("/logpipe/"));
        remoteOperator.Headers.Add("X-Test-Role", "ops");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(remoteOperator)).StatusCode);

        // Refused even locally: a policy is not loosened by the address.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(host.Url("/logpipe/"))).StatusCode);
        using var localStranger = new HttpRequestMessage(HttpMethod.Get, host.Url("/logpipe/partitions"));
        localStranger.Headers.Add("X-Test-Role", "sales");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(localStranger)).StatusCode);

        var line = Assert.Single(host.Logs.Entries, e => e.EventId.Id == LogEvents.DashboardAuthorizationRequired);
        Assert.Contains("ops", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Entries, e => e.EventId.Id == LogEvents.DashboardLocalRequestsOnly);
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused_and_the_action_does_not_run()
    {
        await using var host = await DashboardTestHost.StartAsync();
        using var http = new HttpClient();

        using var response = await http.PostAsync(host.Url("/logpipe/actions/count"), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("antiforgery token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, host.Action.Runs);
        Assert.Contains(LogEvents.DashboardActionRefusedAntiforgery, host.Logs.Entries.Select(e => e.EventId.Id));
    }

    [Fact]
    public async Task Every_page_allows_only_the_dashboards_own_script_and_forbids_framing()
    {
        await using var host = await DashboardTestHost.StartAsync(refreshInterval: TimeSpan.FromSeconds(10));
        using var http = new HttpClient();

        foreach (var path in new[] { "/logpipe/", "/logpipe/partitions" })
        {
            using var response = await http.GetAsync(host.Url(path));
            var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'; script-src 'self';", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(1, html.Split("<script", StringSplitOptions.None).Length - 1);
            Assert.Contains("<script src=\"/logpipe/refresh.js\" defer></script>", html, StringComparison.Ordinal);
        }

        using var script = await http.GetAsync(host.Url("/logpipe/refresh.js"));
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("data-refresh-ms", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_reloading_a_page_carries_no_script_at_all()
    {
        await using var host = await DashboardTestHost.StartAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(host.Url("/logpipe/"));

        Assert.DoesNotContain("<script", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }
}
