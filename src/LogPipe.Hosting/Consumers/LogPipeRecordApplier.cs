using LogPipe.Hosting.Formats;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Applies single records through the consumers' current serializers and checks — what the consumer service does for each
/// record, offered to tools: replaying dead letters after a fix or a newly registered version, for example. The caller
/// owns the transaction. Singleton.
/// </summary>
public sealed class LogPipeRecordApplier
{
    private readonly Dictionary<string, RecordProcessor> _processors;

    internal LogPipeRecordApplier(LogPipeConfiguration configuration, WireCodec codec) =>
        _processors = configuration.Consumers.ToDictionary(c => c.Stream, c => new RecordProcessor(c, codec), StringComparer.Ordinal);

    /// <summary>The streams that have a consumer.</summary>
    public IReadOnlyCollection<string> Streams => _processors.Keys;

    internal RecordProcessor ProcessorFor(ConsumerDefinition consumer) => _processors[consumer.Stream];

    /// <summary>Applies one record as the consumer of <paramref name="record"/>'s stream would.</summary>
    /// <param name="record">The record.</param>
    /// <param name="services">The scope whose DbContext the serializers use.</param>
    /// <param name="cancellationToken">Cancels applying.</param>
    /// <returns>Applied, or the message error. A failing save throws.</returns>
    /// <exception cref="InvalidOperationException">No consumer reads the record's stream.</exception>
    public async Task<ApplyResult> ApplyAsync(IncomingRecord record, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!_processors.TryGetValue(record.Partition.Stream, out var processor))
        {
            throw new InvalidOperationException($"No consumer reads '{record.Partition.Stream}'; consumers: {string.Join(", ", _processors.Keys)}.");
        }

        var outcome = await processor.ApplyAsync(record, services, cancellationToken).ConfigureAwait(false);
        return new ApplyResult(outcome.IsApplied, outcome.Error, outcome.ErrorMessage, outcome.MessageType, outcome.Version);
    }
}
