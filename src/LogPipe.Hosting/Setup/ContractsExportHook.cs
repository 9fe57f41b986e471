using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogPipe.Hosting;

/// <summary>
/// Lets <c>logpipe contracts export</c> read a service's contracts without running it: when the process was started with
/// <see cref="VariableName"/> set to a file path, the first host built (the <c>HostBuilt</c> event of the
/// <c>Microsoft.Extensions.Hosting</c> diagnostic listener, which <c>dotnet ef</c> and <c>WebApplicationFactory</c> also
/// use) has its contracts written there, and the process ends with exit code 0 before the host starts: no broker, no
/// database, no hosted service is touched. A failure is printed to standard error and ends the process with exit code 1.
/// </summary>
internal sealed class ContractsExportHook : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    /// <summary>The environment variable naming the file to write the contracts to.</summary>
    public const string VariableName = "LOGPIPE_CONTRACTS_EXPORT";

    private const string HostingListenerName = "Microsoft.Extensions.Hosting";
    private const string HostBuiltEvent = "HostBuilt";
    private static int _installed;
    private readonly string _path;
    private int _exported;

    private ContractsExportHook(string path) => _path = path;

    /// <summary>Subscribes once per process when <see cref="VariableName"/> is set; otherwise does nothing.</summary>
    public static void InstallIfRequested()
    {
        var path = Environment.GetEnvironmentVariable(VariableName);
        if (string.IsNullOrEmpty(path) || Interlocked.Exchange(ref _installed, 1) == 1) return;
        DiagnosticListener.AllListeners.Subscribe(new ContractsExportHook(path));
    }

    /// <inheritdoc />
    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == HostingListenerName) value.Subscribe(this);
    }

    /// <inheritdoc />
    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != HostBuiltEvent || value.Value is not IHost host || Interlocked.Exchange(ref _exported, 1) == 1) return;
        var logger = host.Services.GetService<ILoggerFactory>()?.CreateLogger("LogPipe.Hosting.Contracts") ?? NullLogger.Instance;
        int exitCode;
        try
        {
            var bytes = LogPipeContracts.Current(host.Services).ToUtf8();
            File.WriteAllBytes(_path, bytes);
            SetupLog.ContractsExported(logger, _path);
            exitCode = 0;
        }
#pragma warning disable CA1031 // Whatever went wrong ends the export with a message, never with the service running.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SetupLog.ContractsExportFailed(logger, _path, ex);
            Console.Error.WriteLine($"LogPipe could not export the message contracts: {ex.GetType().Name}: {ex.Message}");
            exitCode = 1;
        }

        // The host was built only to be read: end here, before Run starts the application.
        Environment.Exit(exitCode);
    }

    /// <inheritdoc />
    public void OnCompleted()
    {
    }

    /// <inheritdoc />
    public void OnError(Exception error)
    {
    }
}
