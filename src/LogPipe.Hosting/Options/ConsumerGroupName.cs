using System.Reflection;

namespace LogPipe.Hosting;

/// <summary>Resolves the consumer group name: <c>LogPipe:ConsumerGroup</c>, else the entry assembly's name.</summary>
public static class ConsumerGroupName
{
    /// <summary>The consumer group name the options give.</summary>
    /// <param name="options">LogPipe's options.</param>
    /// <returns><c>ConsumerGroup</c> when set; otherwise the entry assembly's name.</returns>
    public static string Resolve(LogPipeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return !string.IsNullOrWhiteSpace(options.ConsumerGroup)
            ? options.ConsumerGroup
            : Assembly.GetEntryAssembly()?.GetName().Name ?? "logpipe";
    }
}
