using LogPipe.Hosting.Kinesis.Client.Model;

namespace LogPipe.Hosting.Kinesis.Client;

/// <summary>
/// The Kinesis operations LogPipe uses, shaped after the AWS SDK's <c>IAmazonKinesis</c> (same method,
/// request and property names), so the transport can be tested with a substitute and moved to the SDK
/// mechanically. Every method throws a <see cref="KinesisException"/> (or a derived type) when the call
/// fails after the client's retries, and <see cref="OperationCanceledException"/> when cancelled.
/// </summary>
internal interface IKinesisClient : IDisposable
{
    /// <summary>Creates a stream with a fixed number of shards; it is <c>CREATING</c> until it turns <c>ACTIVE</c>.</summary>
    /// <param name="request">The stream name and shard count.</param>
    /// <param name="cancellationToken">Cancels the call, including its retries.</param>
    /// <returns>The (empty) response.</returns>
    Task<CreateStreamResponse> CreateStreamAsync(CreateStreamRequest request, CancellationToken cancellationToken = default);

    /// <summary>Deletes a stream and its records.</summary>
    /// <param name="request">The stream to delete.</param>
    /// <param name="cancellationToken">Cancels the call, including its retries.</param>
    /// <returns>The (empty) response.</returns>
    Task<DeleteStreamResponse> DeleteStreamAsync(DeleteStreamRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads a stream's status and counts without its shard list.</summary>
    /// <param name="request">The stream to describe.</param>
    /// <param name="cancellationToken">Cancels the call, including its retries.</param>
    /// <returns>The stream's summary.</returns>
    Task<DescribeStreamSummaryResponse> DescribeStreamSummaryAsync(DescribeStreamSummaryRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists one page of a stream's shards, open and closed. Follow <see cref="ListShardsResponse.NextToken"/>
    /// for the rest, or use <see cref="KinesisClientExtensions.ListAllShardsAsync"/>.
    /// </summary>
    /// <param name="request">The stream (or the next-page token) and paging limits.</param>
    /// <param name="cancellationToken">Cancels the call, including its retries.</param>
    /// <returns>One page of shards.</returns>
    Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes up to 500 records. Succeeds even when some records fail: check
    /// <see cref="PutRecordsResponse.FailedRecordCount"/> and retry the entries that carry an error code.
    /// </summary>
    /// <param name="request">The stream and the records.</param>
    /// <param name="cancellationToken">Cancels the call, including its retries.</param>
    /// <returns>One result per record, in request order.</returns>
    Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets an iterator for reading a shard from a position.</summary>
    /// <param name="request">The shard and where to start.</param>
    /// <param name="cancellationToken">Cancels the call, including its retries.</param>
    /// <returns>The iterator, valid for five minutes.</returns>
    Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the next records of a shard. Throws <see cref="KinesisExpiredIteratorException"/> when the
    /// iterator is older than five minutes.
    /// </summary>
    /// <param name="request">The iterator and a record limit.</param>
    /// <param name="cancellationToken">Cancels the call, including its retries.</param>
    /// <returns>The records and the next iterator.</returns>
    Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default);

    /// <summary>Splits a shard in two at a hash key.</summary>
    /// <param name="request">The shard and the child's starting hash key.</param>
    /// <param name="cancellationToken">Cancels the call, including its retries.</param>
    /// <returns>The (empty) response.</returns>
    Task<SplitShardResponse> SplitShardAsync(SplitShardRequest request, CancellationToken cancellationToken = default);

    /// <summary>Merges two shards with adjacent hash key ranges.</summary>
    /// <param name="request">The two shards.</param>
    /// <param name="cancellationToken">Cancels the call, including its retries.</param>
    /// <returns>The (empty) response.</returns>
    Task<MergeShardsResponse> MergeShardsAsync(MergeShardsRequest request, CancellationToken cancellationToken = default);
}
