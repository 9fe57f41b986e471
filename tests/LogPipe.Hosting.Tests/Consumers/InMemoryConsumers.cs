using System.Text;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Formats;
using LogPipe.Hosting.InMemory;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Tests.Consumers;

/// <summary>Consumers of in-memory topics on a given clock, started and ready to read: for testing the runner's parts alone.</summary>
internal sealed class InMemoryConsumers
{
    private readonly TimeProvider _time;
    private readonly IOptions<LogPipeOptions> _options = Options.Create(new LogPipeOptions());

    public InMemoryConsumers(TimeProvider time)
    {
        _time = time;
        Broker = new InMemoryBroker(time);
    }

    /// <summary>The broker the consumers read from; its records are stamped with the given clock.</summary>
    public InMemoryBroker Broker { get; }

    /// <summary>Appends <paramref name="count"/> records to <paramref name="stream"/>.</summary>
    public void Append(string stream, int count)
    {
        for (var i = 0; i < count; i++) Broker.Append(stream, null, Encoding.UTF8.GetBytes($"record {i}"));
    }

    /// <summary>One started consumer per stream, in order, with default failure options.</summary>
    public async Task<List<ConsumerState>> StartAsync(params string[] streams)
    {
        var checkpoints = new InMemoryCheckpointStore(_options);
        var consumers = new List<ConsumerState>();
        foreach (var stream in streams)
        {
            var source = new InMemoryRecordSource(Broker, stream);
            await source.StartAsync(checkpoints, CancellationToken.None);
            var processor = new RecordProcessor(new ConsumerDefinition(stream, [], [], null), new WireCodec(_options));
            consumers.Add(new ConsumerState(processor, source, new FailureOptions()) { Deadline = new SaveDeadline(TimeSpan.FromSeconds(1), _time) });
        }

        return consumers;
    }
}
