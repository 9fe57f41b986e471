using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Keeps records that cannot be applied as dead letters in their unit of work (a message error, or a save whose attempts
/// are used up), and forwards a committed unit's dead letters to <c>LogPipe:DeadLetters:ForwardTo</c> when set.
/// </summary>
internal sealed class DeadLetterRecorder
{
    private readonly string _consumerGroup;
    private readonly UnitAbandoner _abandoner;
    private readonly DeadLetterForwarder? _forwarder;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public DeadLetterRecorder(string consumerGroup, UnitAbandoner abandoner, DeadLetterForwarder? forwarder, TimeProvider time, ILogger logger)
    {
        _consumerGroup = consumerGroup;
        _abandoner = abandoner;
        _forwarder = forwarder;
        _time = time;
        _logger = logger;
    }

    /// <summary>Logs a message error and keeps its record as a dead letter; returns why the dead letter could not be written, or <see langword="null"/>.</summary>
    public async Task<Exception?> RecordMessageErrorAsync(IUnitOfWork work, ConsumerState consumer, IncomingRecord record, RecordOutcome outcome, List<DeadLetter> deadLetters, CancellationToken cancellationToken)
    {
        var p = record.Partition;
        if (outcome.Error == MessageErrorKind.IgnoredType)
        {
            ConsumerLog.IgnoredType(_logger, p.Stream, p.Partition, record.Offset, outcome.MessageType, outcome.Version);
            return null;
        }

        ConsumerLog.MessageError(_logger, p.Stream, p.Partition, record.Offset, outcome.MessageType, outcome.Version, outcome.Error!.Value, outcome.ErrorMessage!);
        try
        {
            var deadLetter = ToDeadLetter(record, outcome, consumer.AttemptsOf(record) + 1, _time.GetUtcNow());
            await work.AddDeadLetterAsync(deadLetter, cancellationToken).ConfigureAwait(false);
            deadLetters.Add(deadLetter);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Logged once, by the abandoning of the unit, with its real size and backoff.
            return ex;
        }
    }

    /// <summary>Keeps a record whose attempts are used up as a <see cref="MessageErrorKind.SaveFailed"/> dead letter; <see langword="null"/> when the unit had to be abandoned.</summary>
    public async Task<RecordOutcome?> RecordSaveFailureAsync(IUnitOfWork work, List<(ConsumerState Consumer, IncomingRecord Record)> unit, int index, PreparedRecord prepared, SaveFailureRecord failure, List<DeadLetter> deadLetters, CancellationToken cancellationToken)
    {
        var record = unit[index].Record;
        var error = failure.LastError;
        // A save failed, so the record was decoded: its type and version are known.
        var (type, version) = prepared.Error is null ? (prepared.Envelope.Type, (int?)prepared.Envelope.Version) : (null, null);
        ConsumerLog.SaveFailedDeadLettered(_logger, error, record.Partition.Stream, record.Partition.Partition, record.Offset, type, version, failure.Attempts);
        var outcome = new RecordOutcome(MessageErrorKind.SaveFailed, $"{error.GetType().Name}: {error.Message}", type, version, error);
        try
        {
            var deadLetter = ToDeadLetter(record, outcome, failure.Attempts, failure.FirstFailedAt);
            await work.AddDeadLetterAsync(deadLetter, cancellationToken).ConfigureAwait(false);
            deadLetters.Add(deadLetter);
            return outcome;
        }
        catch (Exception dlFailure) when (dlFailure is not OperationCanceledException)
        {
            _abandoner.Abandon(unit, 0, dlFailure);
            return null;
        }
    }

    /// <summary>Forwards the dead letters of a unit that committed.</summary>
    public async Task ForwardAsync(List<DeadLetter> deadLetters)
    {
        if (_forwarder is not null && deadLetters.Count > 0) await _forwarder.ForwardAsync(deadLetters, CancellationToken.None).ConfigureAwait(false);
    }

    private DeadLetter ToDeadLetter(IncomingRecord record, RecordOutcome outcome, int attempts, DateTimeOffset firstFailedAt) => new()
    {
        ConsumerGroup = _consumerGroup,
        Partition = record.Partition,
        Offset = record.Offset,
        SequenceNumber = record.SequenceNumber,
        Key = record.Key?.ToArray(),
        Value = record.Value.ToArray(),
        Headers = record.Headers,
        MessageType = outcome.MessageType,
        Version = outcome.Version,
        ErrorKind = outcome.Error!.Value,
        Error = outcome.ErrorMessage!,
        Attempts = attempts,
        RecordTimestamp = record.Timestamp,
        FirstFailedAt = firstFailedAt,
        DeadLetteredAt = _time.GetUtcNow(),
    };
}
