using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Sample.Tests;

public sealed class ApiTests
{
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task The_api_publishes_created_and_updated_people_through_the_outbox_and_the_consumer_replicates_them()
    {
        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("logpipe-sample-");
        using var process = ChildProcess.StartDotnet(
            "LogPipe.Sample.dll", ["--Urls", $"http://127.0.0.1:{port}"], new ChildProcessOptions { WorkingDirectory = directory.FullName });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            await WaitUntilAsync(async () => (await TryGetAsync(http, "/health/live"))?.StatusCode == HttpStatusCode.OK, process);
            await WaitUntilAsync(async () => (await TryGetAsync(http, "/health/ready"))?.StatusCode == HttpStatusCode.OK, process);

            var created = await http.PostAsJsonAsync("/people", new { firstName = "Joe", lastName = "Schmoe", email = "joe@example.com" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            // Through the outbox: no position on the log yet, only what the relay will send.
            Assert.StartsWith("people person v2 key=", created.Headers.GetValues("X-LogPipe-Outbox").Single(), StringComparison.Ordinal);
            Assert.False(created.Headers.Contains("X-LogPipe-Position"));
            var uuid = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("uuid").GetGuid();
            var updated = await http.PutAsJsonAsync($"/people/{uuid}", new { firstName = "Joe", lastName = "Schmoe-Smith", email = "joe@example.com" });
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
            Assert.StartsWith("people person v2 key=", updated.Headers.GetValues("X-LogPipe-Outbox").Single(), StringComparison.Ordinal);

            JsonElement replica = default;
            await WaitUntilAsync(
                async () =>
                {
                    var response = await TryGetAsync(http, $"/replicas/{uuid}");
                    if (response?.StatusCode != HttpStatusCode.OK) return false;
                    replica = await response.Content.ReadFromJsonAsync<JsonElement>();
                    return replica.GetProperty("lastName").GetString() == "Schmoe-Smith";
                },
                process);
            Assert.Equal(2, replica.GetProperty("appliedCount").GetInt32());
            Assert.Equal(2, replica.GetProperty("version").GetInt32());

            var openApi = await http.GetStringAsync("/openapi/v1.json");
            Assert.Contains("/people", openApi, StringComparison.Ordinal);
        }
        finally
        {
            process.Dispose(); // before the directory goes: the sample keeps its database there
            directory.Delete(recursive: true);
        }
    }

    private static async Task<HttpResponseMessage?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            return await http.GetAsync(path);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, ChildProcess sample) =>
        Eventually.TrueAsync(condition, TimeSpan.FromSeconds(90), () => "Sample output:\n" + sample.Output);
}
