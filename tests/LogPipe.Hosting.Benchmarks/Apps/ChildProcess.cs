using System.Diagnostics;

namespace LogPipe.Hosting.Benchmarks.Apps;

/// <summary>
/// A helper process (development broker, kinesalite) that prints one line saying where it listens and stops when its
/// standard input closes, so it goes away with the benchmark even when the benchmark is killed.
/// </summary>
public static class ChildProcess
{
    /// <summary>Starts the process with stdin, stdout and stderr piped (stderr drained) and returns its first stdout line.</summary>
    public static async Task<(Process Process, string? FirstLine)> StartAsync(ProcessStartInfo start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        // Its log is not ours to print; drain it so the pipe never fills.
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        return (process, await process.StandardOutput.ReadLineAsync(deadline.Token).ConfigureAwait(false));
    }

    /// <summary>Closes the process's stdin, waits up to ten seconds for it to exit, kills it otherwise.</summary>
    public static async Task StopAsync(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        process.StandardInput.Close();
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(exited.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }

    /// <summary>The dotnet host running this process (the CLI exports it), else the one on PATH.</summary>
    public static string DotnetHost()
    {
        var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli)) return fromCli;
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}
