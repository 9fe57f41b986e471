using System.Globalization;
using System.Text;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Sends committed dead letters to <c>LogPipe:DeadLetters:ForwardTo</c> through the service's transport. A failed send is
/// logged and retried with the next unit's dead letters; the copy in the store is the reference either way.
/// </summary>
internal sealed partial class DeadLetterForwarder
{
    private readonly TransportSelector _transports;
    private readonly string _topic;
    private readonly ILogger _logger;
    private readonly List<DeadLetter> _unsent = [];

    public DeadLetterForwarder(TransportSelector transports, string topic, ILogger logger)
    {
        _transports = transports;
        _topic = topic;
        _logger = logger;
    }

    public async Task ForwardAsync(IReadOnlyList<DeadLetter> deadLetters, CancellationToken cancellationToken)
    {
        _unsent.AddRange(deadLetters);
        if (_unsent.Count == 0) return;
        var records = _unsent.Select(ToRecord).ToList();
        try
        {
            await _transports.Current.Sender.SendBatchAsync(records, cancellationToken).ConfigureAwait(false);
            _unsent.Clear();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ForwardFailed(_logger, ex, _unsent.Count, _topic);
            // Bounded: a long outage of the forward topic must not grow memory without end; the store keeps them all.
            if (_unsent.Count > 10_000) _unsent.RemoveRange(0, _unsent.Count - 10_000);
        }
    }

    private OutgoingRecord ToRecord(DeadLetter d)
    {
        var headers = new List<KeyValuePair<string, byte[]>>
        {
            new("logpipe.error_kind", Encoding.UTF8.GetBytes(d.ErrorKind.ToString())),
            new("logpipe.error", Encoding.UTF8.GetBytes(d.Error.Length > 4096 ? d.Error[..4096] : d.Error)),
            new("logpipe.consumer_group", Encoding.UTF8.GetBytes(d.ConsumerGroup)),
            new("logpipe.source.transport", Encoding.UTF8.GetBytes(d.Partition.Transport)),
            new("logpipe.source.stream", Encoding.UTF8.GetBytes(d.Partition.Stream)),
            new("logpipe.source.partition", Encoding.UTF8.GetBytes(d.Partition.Partition)),
            new("logpipe.source.offset", Encoding.UTF8.GetBytes(d.Offset.ToString(CultureInfo.InvariantCulture))),
            new("logpipe.attempts", Encoding.UTF8.GetBytes(d.Attempts.ToString(CultureInfo.InvariantCulture))),
        };
        if (d.SequenceNumber is { } sequence) headers.Add(new("logpipe.source.sequence_number", Encoding.UTF8.GetBytes(sequence)));
        if (d.Headers is { } original) headers.AddRange(original);
        var key = d.Key is null ? null : Encoding.UTF8.GetString(d.Key);
        return new OutgoingRecord(_topic, key, d.Value, headers);
    }

    [LoggerMessage(EventId = 1040, Level = LogLevel.Warning, Message = "Forwarding {Count} dead letters to {Topic} failed; they stay in the store and are retried with the next ones")]
    private static partial void ForwardFailed(ILogger logger, Exception exception, int count, string topic);
}
