namespace LogPipe.Hosting;

/// <summary>What <c>AddLogPipe</c> configured in code: producers and consumers. Immutable; runtime code reads only this.</summary>
public sealed class LogPipeConfiguration
{
    internal LogPipeConfiguration(IReadOnlyList<ProducerDefinition> producers, IReadOnlyList<ConsumerDefinition> consumers)
    {
        Producers = producers;
        Consumers = consumers;
    }

    /// <summary>The producers, one per model.</summary>
    public IReadOnlyList<ProducerDefinition> Producers { get; }

    /// <summary>The consumers, one per topic or stream.</summary>
    public IReadOnlyList<ConsumerDefinition> Consumers { get; }
}
