using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

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
    public async Task The_api_publishes_created_and_updated_people_and_the_consumer_replicates_them()
    {
        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("logpipe-sample-");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory.FullName };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "LogPipe.Sample.dll"), "--Urls", $"http://127.0.0.1:{port}" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            await WaitUntilAsync(async () => (await TryGetAsync(http, "/health/live"))?.StatusCode == HttpStatusCode.OK, output);
            await WaitUntilAsync(async () => (await TryGetAsync(http, "/health/ready"))?.StatusCode == HttpStatusCode.OK, output);

            var created = await http.PostAsJsonAsync("/people", new { firstName = "Joe", lastName = "Schmoe", email = "joe@example.com" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.StartsWith("people[", created.Headers.GetValues("X-LogPipe-Position").Single(), StringComparison.Ordinal);
            var uuid = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("uuid").GetGuid();
            var updated = await http.PutAsJsonAsync($"/people/{uuid}", new { firstName = "Joe", lastName = "Schmoe-Smith", email = "joe@example.com" });
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

            JsonElement replica = default;
            await WaitUntilAsync(
                async () =>
                {
                    var response = await TryGetAsync(http, $"/replicas/{uuid}");
                    if (response?.StatusCode != HttpStatusCode.OK) return false;
                    replica = await response.Content.ReadFromJsonAsync<JsonElement>();
                    return replica.GetProperty("lastName").GetString() == "Schmoe-Smith";
                },
                output);
            Assert.Equal(2, replica.GetProperty("appliedCount").GetInt32());
            Assert.Equal(2, replica.GetProperty("version").GetInt32());

            var openApi = await http.GetStringAsync("/openapi/v1.json");
            Assert.Contains("/people", openApi, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
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

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, System.Text.StringBuilder output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                lock (output) Assert.Fail("Condition not met within 90 s. Sample output:\n" + output);
            }

            await Task.Delay(100);
        }
    }
}
