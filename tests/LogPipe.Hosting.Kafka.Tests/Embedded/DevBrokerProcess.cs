using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Kafka.Tests.Embedded;

/// <summary>
/// The standalone development broker (src/LogPipe.Hosting.Kafka.DevBroker) running as a child process, as
/// a script would run it. The test project references the broker project, so its dll, deps.json and
/// runtimeconfig.json sit next to the test assembly.
/// </summary>
public static class DevBrokerProcess
{
    private const string BootstrapPrefix = "bootstrap.servers=";

    /// <summary>Starts <c>dotnet LogPipe.Hosting.Kafka.DevBroker.dll</c> with <paramref name="arguments"/>; stdin stays open.</summary>
    public static ChildProcess Start(params string[] arguments) => ChildProcess.StartDotnet("LogPipe.Hosting.Kafka.DevBroker.dll", arguments);

    /// <summary>Reads the first stdout line, which must be <c>bootstrap.servers=…</c>, and returns the list.</summary>
    public static async Task<string> ReadBootstrapServersAsync(this ChildProcess broker, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var line = await broker.ReadLineAsync(timeout);
        Assert.StartsWith(BootstrapPrefix, line, StringComparison.Ordinal);
        return line[BootstrapPrefix.Length..];
    }
}
