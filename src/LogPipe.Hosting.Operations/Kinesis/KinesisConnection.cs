using System.Net;


using LogPipe.Hosting;
using LogPipe.Hosting.Kinesis;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// The Kinesis endpoint of <c>LogPipe:Kinesis</c> (region, service URL, credentials as the service has them), through the
/// library's own client: for checking a shard position before it is stored, reading a stream (<c>tail</c>) and how far
/// each shard's checkpoint is behind (<c>offsets list --lag</c>).
/// </summary>
internal sealed class KinesisConnection : IDisposable
{
    private const string Section = "LogPipe:Kinesis";

    private readonly KinesisClient _client;
    private readonly string _where;

    private KinesisConnection(KinesisClient client, string where)
    {
        _client = client;
        _where = where;
    }

    /// <summary>Reads <c>LogPipe:Kinesis</c>; <paramref name="region"/> (from the checkpoint's transport) wins over its region.</summary>
    /// <exception cref="OperationException">The settings are invalid (InvalidRequest).</exception>
    public static KinesisConnection Create(IConfiguration configuration, string? region)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        try
        {
            var options = new KinesisOptions();
            SectionBinder.Bind(configuration.GetSection(Section), options, Section);
            var clientOptions = options.ToClientOptions();
            clientOptions.Region = region ?? clientOptions.Region;
            var where = clientOptions.ServiceUrl?.Authority ?? $"region {clientOptions.Region ?? "(from the AWS region chain)"}";
            return new KinesisConnection(new KinesisClient(clientOptions), where);
        }
        catch (OptionsValidationException ex)
        {
            throw OperationException.Invalid(ex.Message);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or UriFormatException)
        {
            throw OperationException.Invalid($"{Section} is not valid: {ex.Message}");
        }
    }

    /// <summary>
    /// Refuses unless <paramref name="sequenceNumber"/> belongs to shard <paramref name="shardId"/> of
    /// <paramref name="stream"/>: within the shard's sequence number range (ListShards), and accepted by Kinesis as a
    /// position in that shard (GetShardIterator AFTER_SEQUENCE_NUMBER, which checks the shard the number encodes).
    /// </summary>
    /// <exception cref="OperationException">
    /// No such stream or shard (NotFound); the number belongs elsewhere (Refused); Kinesis cannot be reached (Unreachable) or fails (Failed).
    /// </exception>
    public async Task ThrowUnlessInShardAsync(string stream, string shardId, string sequenceNumber, CancellationToken cancellationToken)
    {
        var shards = await CallAsync(stream, () => _client.ListAllShardsAsync(stream, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var shard = shards.FirstOrDefault(s => s.ShardId == shardId)
            ?? throw OperationException.NotFound(
                $"Stream '{stream}' has no shard '{shardId}' (it has {string.Join(", ", shards.Select(s => s.ShardId))}).");

        if (shard.SequenceNumberRange is { StartingSequenceNumber: { } first } range)
        {
            var last = range.EndingSequenceNumber;
            if (KinesisSequenceNumber.Compare(sequenceNumber, first) < 0 || (last is not null && KinesisSequenceNumber.Compare(sequenceNumber, last) > 0))
            {
                var span = last is null ? $"from {first} on (the shard is open)" : $"from {first} to {last} (the shard is closed)";
                throw OperationException.Refused(
                    $"Sequence number {sequenceNumber} is outside shard '{shardId}' of stream '{stream}': its records have sequence numbers {span}. Nothing was changed.");
            }
        }

        try
        {
            await CallAsync(stream, () => _client.GetShardIteratorAsync(
                new GetShardIteratorRequest
                {
                    StreamName = stream,
                    ShardId = shardId,
                    ShardIteratorType = ShardIteratorType.AFTER_SEQUENCE_NUMBER,
                    StartingSequenceNumber = sequenceNumber,
                },
                cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationException ex) when (ex.InnerException is KinesisValidationException invalid)
        {
            throw OperationException.Refused(
                $"Sequence number {sequenceNumber} does not belong to shard '{shardId}' of stream '{stream}': Kinesis says \"{invalid.Message}\". Nothing was changed.");
        }
    }

    /// <summary>The endpoint, for messages: the service URL's host and port, or the region.</summary>
    public string Where => _where;

    /// <summary>Every shard of <paramref name="stream"/>, open and closed, following ListShards pages.</summary>
    /// <exception cref="OperationException">No such stream (NotFound); Kinesis cannot be reached (Unreachable) or fails (Failed).</exception>
    public Task<IReadOnlyList<Shard>> ShardsAsync(string stream, CancellationToken cancellationToken) =>
        CallAsync(stream, () => _client.ListAllShardsAsync(stream, cancellationToken: cancellationToken));

    /// <summary>An iterator of a shard: after <paramref name="afterSequence"/> when given, else at <paramref name="type"/>.</summary>
    /// <exception cref="OperationException">As <see cref="ShardsAsync"/>; Kinesis refuses the position (Failed).</exception>
    public async Task<string?> IteratorAsync(string stream, string shardId, ShardIteratorType type, string? afterSequence, CancellationToken cancellationToken)
    {
        var request = new GetShardIteratorRequest { StreamName = stream, ShardId = shardId, ShardIteratorType = type };
        if (afterSequence is not null)
        {
            request.ShardIteratorType = ShardIteratorType.AFTER_SEQUENCE_NUMBER;
            request.StartingSequenceNumber = afterSequence;
        }

        var response = await CallAsync(stream, () => _client.GetShardIteratorAsync(request, cancellationToken)).ConfigureAwait(false);
        return response.ShardIterator;
    }

    /// <summary>One GetRecords call.</summary>
    /// <exception cref="KinesisExpiredIteratorException">The iterator is older than five minutes.</exception>
    /// <exception cref="KinesisThrottledException">The shard's read limits were exceeded.</exception>
    /// <exception cref="OperationException">As <see cref="ShardsAsync"/>.</exception>
    public Task<GetRecordsResponse> ReadAsync(string stream, string iterator, int limit, CancellationToken cancellationToken) =>
        CallAsync(stream, () => _client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = limit }, cancellationToken));

    public void Dispose() => _client.Dispose();

    private async Task<T> CallAsync<T>(string stream, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (KinesisException ex) when (ex is KinesisExpiredIteratorException or KinesisThrottledException)
        {
            throw; // the caller's to handle: take a new iterator, or wait
        }
        catch (KinesisResourceNotFoundException ex)
        {
            throw new OperationException(OperationFailure.NotFound, $"Stream '{stream}' does not exist at {_where}: {ex.Message}", ex);
        }
        catch (KinesisValidationException ex)
        {
            throw new OperationException(OperationFailure.Failed, $"Kinesis refused the request: {ex.Message}", ex);
        }
        catch (KinesisException ex) when (ex.StatusCode is null or >= HttpStatusCode.InternalServerError)
        {
            throw OperationException.Unreachable($"Cannot reach Kinesis at {_where}: {ex.Message}", ex);
        }
        catch (KinesisException ex)
        {
            throw new OperationException(OperationFailure.Failed, $"Kinesis failed: {ex.Message}", ex);
        }
    }
}
