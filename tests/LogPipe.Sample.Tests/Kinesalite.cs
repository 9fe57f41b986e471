using System.Diagnostics;

namespace LogPipe.Sample.Tests;

/// <summary>
/// kinesalite on 127.0.0.1 and a free port, from the repository's pinned copy (tests/LogPipe.Hosting.Kinesis.Tests/kinesalite),
/// installed with npm on first use. It stops when its stdin closes, so the process lives exactly as long as this object.
/// </summary>
internal sealed class Kinesalite : IAsyncDisposable
{
    private readonly Process _process;

    private Kinesalite(Process process, string serviceUrl)
    {
        _process = process;
        ServiceUrl = serviceUrl;
    }

    public string ServiceUrl { get; }

    public static async Task<Kinesalite> StartAsync()
    {
        var folder = FindFolder();
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "kinesalite")))
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --omit=optional --no-audit --no-fund") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true })!;
            await npm.WaitForExitAsync();
            Assert.True(npm.ExitCode == 0, await npm.StandardError.ReadToEndAsync());
        }

        var process = Process.Start(new ProcessStartInfo("node", "server.js")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("listening ", StringComparison.Ordinal)) return new Kinesalite(process, "http://" + line["listening ".Length..].Trim());
        }

        throw new InvalidOperationException("kinesalite did not start: " + await process.StandardError.ReadToEndAsync());
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(5000)) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static string FindFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "LogPipe.Hosting.Kinesis.Tests", "kinesalite");
            if (File.Exists(Path.Combine(candidate, "server.js"))) return candidate;
        }

        throw new InvalidOperationException("tests/LogPipe.Hosting.Kinesis.Tests/kinesalite not found above " + AppContext.BaseDirectory);
    }
}
