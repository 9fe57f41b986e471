using System.Text;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Client.Transport;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kinesis.Sending;

/// <summary>
/// Puts records with PutRecords: checked against the service limits before anything is sent, planned into calls that keep
/// per-key order (<see cref="PutBatchPlanner"/>), and retried entry by entry — only the entries that failed, with
/// jittered exponential backoff — until stored or until <see cref="KinesisOptions.MaxPutAttempts"/> is used up, when the
/// send fails with the reason. Thread-safe; each send runs on its own.
/// </summary>
internal sealed class KinesisRecordSender : IRecordSender
{
    private readonly IKinesisClient _client;
    private readonly KinesisOptions _options;
    private readonly RetryBackoff _backoff;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _headersLogged;

    public KinesisRecordSender(IKinesisClient client, KinesisOptions options, TimeProvider time, ILogger logger)
    {
        _client = client;
        _options = options;
        _backoff = options.CreateBackoff();
        _time = time;
        _logger = logger;
    }

    public async ValueTask<RecordPosition> SendAsync(OutgoingRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var positions = await SendBatchAsync([record], cancellationToken).ConfigureAwait(false);
        return positions[0];
    }

    public async ValueTask<IReadOnlyList<RecordPosition>> SendBatchAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) return [];
        var puts = Prepare(records);
        KinesisSendException? failure = null;
        foreach (var stream in puts.GroupBy(p => p.Stream, StringComparer.Ordinal))
        {
            var streamPuts = stream.ToList();
            await PutAllAsync(stream.Key, streamPuts, cancellationToken).ConfigureAwait(false);
            failure ??= Failure(stream.Key, streamPuts, puts);
        }

        if (failure is not null) throw failure;
        return puts.Select(p => p.Position!.Value).ToList();
    }

    /// <summary>Checks every record before any is sent, so a send with one bad record stores none of them.</summary>
    private List<PendingPut> Prepare(IReadOnlyList<OutgoingRecord> records)
    {
        var puts = new List<PendingPut>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new ArgumentException($"Record {i} is null.", nameof(records));
            ArgumentException.ThrowIfNullOrEmpty(record.Stream, nameof(records));
            var key = PartitionKeys.For(record);
            if (key.Length > PutRecordsLimits.MaxPartitionKeyLength)
            {
                throw new KinesisSendException(
                    $"Record {i} of {records.Count} for Kinesis stream '{record.Stream}' has a key of {key.Length} characters; a partition key has at most {PutRecordsLimits.MaxPartitionKeyLength}. Nothing of this send was put.",
                    record.Stream,
                    "PartitionKeyTooLong",
                    records.Count)
                {
                    Positions = RecordSendException.NoneStored(records.Count),
                };
            }

            var size = record.Value.Length + (long)Encoding.UTF8.GetByteCount(key);
            if (size > PutRecordsLimits.MaxBytesPerRecord)
            {
                throw new KinesisRecordTooLargeException(record.Stream, i, size, PutRecordsLimits.MaxBytesPerRecord, records.Count);
            }

            if (record.Headers is { Count: > 0 } && Interlocked.Exchange(ref _headersLogged, 1) == 0)
            {
                KinesisLog.HeadersDropped(_logger, record.Stream);
            }

            puts.Add(new PendingPut(i, record.Stream, key, record.Value, size));
        }

        return puts;
    }

    private async Task PutAllAsync(string stream, List<PendingPut> puts, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentPuts, CancellationToken = cancellationToken };
        var pending = new List<PendingPut>(puts);
        while (true)
        {
            // Settled records leave the list, so many records of one key (one wave each) do not make planning quadratic.
            pending.RemoveAll(p => p.IsSettled);
            var wave = PutBatchPlanner.NextWave(pending, _time.GetUtcNow(), out var nextDue);
            if (wave.Count == 0)
            {
                if (nextDue is not { } due) return;
                var wait = due - _time.GetUtcNow();
                if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // Keys are distinct within a wave, so its calls may run side by side without reordering any key.
            await Parallel.ForEachAsync(
                PutBatchPlanner.Calls(wave),
                parallel,
                async (call, ct) => await PutCallAsync(stream, call, ct).ConfigureAwait(false)).ConfigureAwait(false);
            FailSuccessorsOfFailed(pending);
        }
    }

    private async Task PutCallAsync(string stream, List<PendingPut> call, CancellationToken cancellationToken)
    {
        foreach (var put in call) put.Attempting();
        // One backoff for the whole call: its failed records become due together and are retried in one call, instead of
        // each drawing its own jitter and trickling back in calls of a few records.
        var retryAt = _time.GetUtcNow() + _backoff.Before(call.Max(p => p.Attempts));
        PutRecordsResponse response;
        try
        {
            response = await _client.PutRecordsAsync(
                new PutRecordsRequest { StreamName = stream, Records = call.ConvertAll(p => p.Entry) },
                cancellationToken).ConfigureAwait(false);
        }
        catch (KinesisException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The client already retried throttling, 5xx and network faults; what is left counts as one attempt of each entry.
            var retryable = KinesisErrorTranslator.IsTransient(ex);
            var code = ex.ErrorCode ?? ex.InnerException?.GetType().Name ?? "NoAnswer";
            KinesisLog.PutCallFailed(_logger, stream, call.Count, code, ex.Message, retryable);
            foreach (var put in call) Settle(put, retryAt, code, ex.Message, retryable);
            return;
        }

        var results = response.Records;
        if (results is null || results.Count != call.Count)
        {
            KinesisLog.PutCallFailed(_logger, stream, call.Count, "InvalidResponse", $"{results?.Count ?? 0} results for {call.Count} records", true);
            foreach (var put in call) Settle(put, retryAt, "InvalidResponse", "PutRecords answered with a different number of results than records.", retryable: true);
            return;
        }

        var failed = 0;
        string? firstCode = null;
        for (var i = 0; i < call.Count; i++)
        {
            var result = results[i];
            if (string.IsNullOrEmpty(result.ErrorCode))
            {
                call[i].Succeed(new RecordPosition(stream, result.ShardId ?? string.Empty, -1, result.SequenceNumber));
                continue;
            }

            failed++;
            firstCode ??= result.ErrorCode;
            Settle(call[i], retryAt, result.ErrorCode, result.ErrorMessage, IsRetryable(result.ErrorCode));
        }

        if (failed > 0) KinesisLog.PutPartiallyFailed(_logger, stream, failed, call.Count, firstCode!);
    }

    private void Settle(PendingPut put, DateTimeOffset retryAt, string code, string? message, bool retryable)
    {
        if (retryable && put.Attempts < _options.MaxPutAttempts)
        {
            put.RetryAt(retryAt, code, message);
        }
        else
        {
            put.Fail(code, message);
        }
    }

    /// <summary>
    /// A record that could not be stored takes the later records of its key in the same send with it: storing them would
    /// leave a gap in that key's order that the consumer could not notice.
    /// </summary>
    private static void FailSuccessorsOfFailed(List<PendingPut> puts)
    {
        HashSet<string>? failedKeys = null;
        foreach (var put in puts)
        {
            if (put.IsFailed)
            {
                (failedKeys ??= new HashSet<string>(StringComparer.Ordinal)).Add(put.PartitionKey);
            }
            else if (!put.IsSettled && failedKeys?.Contains(put.PartitionKey) == true)
            {
                put.Fail("EarlierRecordFailed", "Not sent: an earlier record with the same partition key in this send was not stored.");
            }
        }
    }

    private KinesisSendException? Failure(string stream, List<PendingPut> puts, List<PendingPut> wholeSend)
    {
        var failed = puts.Where(p => p.IsFailed).ToList();
        if (failed.Count == 0) return null;
        var first = failed.FirstOrDefault(p => p.ErrorCode != "EarlierRecordFailed") ?? failed[0];
        var attempts = failed.Max(p => p.Attempts);
        KinesisLog.SendFailed(_logger, stream, failed.Count, puts.Count, first.ErrorCode!, attempts);
        return new KinesisSendException(
            $"{failed.Count} of {puts.Count} records for Kinesis stream '{stream}' were not stored after up to {attempts} attempts: {first.ErrorCode}: {first.ErrorMessage}",
            stream,
            first.ErrorCode!,
            failed.Count)
        {
            // Every record of the send, in input order: stored ones with where they went, the rest null.
            Positions = [.. wholeSend.OrderBy(p => p.Index).Select(p => p.Position)],
        };
    }

    // Throttling and internal failures pass; a KMS key that is disabled, missing or forbidden does not come back by retrying.
    private static bool IsRetryable(string errorCode) =>
        !errorCode.StartsWith("KMS", StringComparison.Ordinal) || errorCode == "KMSThrottlingException";
}
