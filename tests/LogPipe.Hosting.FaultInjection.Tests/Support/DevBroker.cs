using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>The standalone development broker (src/LogPipe.Hosting.Kafka.DevBroker) in its own process, with one topic.</summary>
public sealed class DevBroker : IDisposable
{
    private const string BootstrapPrefix = "bootstrap.servers=";
    private readonly ChildProcess _process;

    private DevBroker(ChildProcess process, string bootstrapServers)
    {
        _process = process;
        BootstrapServers = bootstrapServers;
    }

    public string BootstrapServers { get; }

    public static async Task<DevBroker> StartAsync(string topic, int partitions, int brokers = 3)
    {
        var process = ChildProcess.StartDotnet("LogPipe.Hosting.Kafka.DevBroker.dll", ["--brokers", $"{brokers}", "--topic", $"{topic}:{partitions}"]);
        try
        {
            var line = await process.ReadLineAsync(TimeSpan.FromSeconds(60));
            Assert.StartsWith(BootstrapPrefix, line, StringComparison.Ordinal);
            return new DevBroker(process, line[BootstrapPrefix.Length..]);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    public void Dispose() => _process.Dispose();
}
