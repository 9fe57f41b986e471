using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Dashboard.Tests.Support;

/// <summary>
/// The sample service (development Kafka broker, SQLite, the outbox) run as a child process on a free loopback port, in a
/// temporary working directory of its own, with its dashboard at <c>/logpipe</c>.
/// </summary>
public sealed class RunningSample : IDisposable
{
    private readonly DirectoryInfo _directory;
    private readonly ChildProcess _process;

    private RunningSample(int port, DirectoryInfo directory, ChildProcess process)
    {
        _directory = directory;
        _process = process;
        BaseAddress = $"http://127.0.0.1:{port}";
        Http = new HttpClient { BaseAddress = new Uri(BaseAddress), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>What the sample wrote so far, for failure messages.</summary>
    public string Output => _process.Output;

    /// <summary>Starts the sample and waits until it is ready (<c>/health/ready</c>).</summary>
    /// <param name="settings">More settings, as command-line pairs (<c>--LogPipe:Dashboard:ReadOnly</c>, <c>true</c>).</param>
    public static async Task<RunningSample> StartAsync(params string[] settings)
    {
        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("logpipe-dashboard-sample-");
        var process = ChildProcess.StartDotnet("LogPipe.Sample.dll", ["--Urls", $"http://127.0.0.1:{port}", .. settings], new ChildProcessOptions { WorkingDirectory = directory.FullName });
        var sample = new RunningSample(port, directory, process);
        await Eventually.TrueAsync(async () => await sample.StatusAsync("/health/ready") == HttpStatusCode.OK, TimeSpan.FromSeconds(90), () => "Sample output:\n" + sample.Output);
        return sample;
    }

    public string Url(string path) => BaseAddress + path;

    /// <summary>Creates a person through the sample's API: saved with an outbox entry, sent to the people topic, replicated.</summary>
    public async Task CreatePersonAsync(string firstName)
    {
        var created = await Http.PostAsJsonAsync("/people", new { firstName, lastName = "Lovelace", email = $"{Guid.NewGuid():N}@example.com" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    public async Task<HttpStatusCode?> StatusAsync(string path)
    {
        try
        {
            using var response = await Http.GetAsync(path);
            return response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        Http.Dispose();
        _process.Dispose(); // before the directory goes: the sample keeps its database there
        _directory.Delete(recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
