using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Kinesis.Client.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogPipe.Hosting.Kinesis.Client;

/// <summary>
/// A thin Kinesis client over the JSON 1.1 protocol: each call is one signed HTTP POST with an
/// <c>X-Amz-Target: Kinesis_20131202.&lt;Operation&gt;</c> header. Requests are signed with SigV4 using
/// AWSSDK.Core, errors become typed <see cref="KinesisException"/>s, and throttling, 5xx answers,
/// network faults and timeouts are retried with exponential backoff and full jitter.
/// </summary>
/// <remarks>
/// Thread-safe; create one per endpoint and share it. PutRecords entries that fail individually are
/// reported in the response and not retried here (the producer decides).
/// </remarks>
internal sealed class KinesisClient : IKinesisClient
{
    private const string TargetPrefix = "Kinesis_20131202.";
    private const string SigningService = "kinesis";
    private const string JsonMediaType = "application/x-amz-json-1.1";

    private static readonly ProductInfoHeaderValue UserAgent = new(
        "LogPipe.Hosting.Kinesis",
        typeof(KinesisClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0");

    private readonly KinesisClientOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RetryBackoff _backoff;
    private readonly KinesisCredentialSource _credentials;
    private readonly Lazy<KinesisEndpoint> _endpoint;
    private bool _disposed;

    /// <summary>Creates a client.</summary>
    /// <param name="options">Endpoint, region, credentials, retries and timeouts. Checked with <see cref="KinesisClientOptions.Validate"/>.</param>
    /// <param name="httpClient">
    /// The HTTP client to send with, for example one whose handler chain injects faults in tests. It is
    /// not disposed by this client; its own <see cref="HttpClient.Timeout"/> still applies on top of
    /// <see cref="KinesisClientOptions.RequestTimeout"/>. When <see langword="null"/>, the client creates
    /// and owns one.
    /// </param>
    /// <param name="logger">Where retries and failures are logged; never with credentials.</param>
    /// <param name="timeProvider">The clock for signing and backoff; <see cref="TimeProvider.System"/> by default.</param>
    public KinesisClient(KinesisClientOptions options, HttpClient? httpClient = null, ILogger<KinesisClient>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        _options = options;
        _logger = logger ?? NullLogger<KinesisClient>.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _backoff = new RetryBackoff(options.BaseBackoff, options.MaxBackoff);
        _credentials = new KinesisCredentialSource(options);
        _endpoint = new Lazy<KinesisEndpoint>(() => ResolveEndpoint(options), LazyThreadSafetyMode.ExecutionAndPublication);
        _ownsHttp = httpClient is null;
        _http = httpClient ?? CreateHttpClient(options);
    }

    /// <inheritdoc />
    public Task<CreateStreamResponse> CreateStreamAsync(CreateStreamRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("CreateStream", request, KinesisJsonContext.Default.CreateStreamRequest, KinesisJsonContext.Default.CreateStreamResponse, cancellationToken);

    /// <inheritdoc />
    public Task<DeleteStreamResponse> DeleteStreamAsync(DeleteStreamRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("DeleteStream", request, KinesisJsonContext.Default.DeleteStreamRequest, KinesisJsonContext.Default.DeleteStreamResponse, cancellationToken);

    /// <inheritdoc />
    public Task<DescribeStreamSummaryResponse> DescribeStreamSummaryAsync(DescribeStreamSummaryRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("DescribeStreamSummary", request, KinesisJsonContext.Default.DescribeStreamSummaryRequest, KinesisJsonContext.Default.DescribeStreamSummaryResponse, cancellationToken);

    /// <inheritdoc />
    public Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("ListShards", request, KinesisJsonContext.Default.ListShardsRequest, KinesisJsonContext.Default.ListShardsResponse, cancellationToken);

    /// <inheritdoc />
    public Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("PutRecords", request, KinesisJsonContext.Default.PutRecordsRequest, KinesisJsonContext.Default.PutRecordsResponse, cancellationToken);

    /// <inheritdoc />
    public Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("GetShardIterator", request, KinesisJsonContext.Default.GetShardIteratorRequest, KinesisJsonContext.Default.GetShardIteratorResponse, cancellationToken);

    /// <inheritdoc />
    public Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("GetRecords", request, KinesisJsonContext.Default.GetRecordsRequest, KinesisJsonContext.Default.GetRecordsResponse, cancellationToken);

    /// <inheritdoc />
    public Task<SplitShardResponse> SplitShardAsync(SplitShardRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("SplitShard", request, KinesisJsonContext.Default.SplitShardRequest, KinesisJsonContext.Default.SplitShardResponse, cancellationToken);

    /// <inheritdoc />
    public Task<MergeShardsResponse> MergeShardsAsync(MergeShardsRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync("MergeShards", request, KinesisJsonContext.Default.MergeShardsRequest, KinesisJsonContext.Default.MergeShardsResponse, cancellationToken);

    /// <summary>Releases the HTTP client (when this client created it) and the credential resolver.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsHttp)
        {
            _http.Dispose();
        }

        _credentials.Dispose();
    }

    private static HttpClient CreateHttpClient(KinesisClientOptions options) =>
        new(new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            // Recycle connections so a changed DNS answer for the regional endpoint is picked up.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            // Each attempt has its own timeout (RequestTimeout); the whole call has the caller's token.
            Timeout = Timeout.InfiniteTimeSpan,
        };

    private KinesisEndpoint ResolveEndpoint(KinesisClientOptions options)
    {
        var endpoint = KinesisEndpoint.Resolve(options);
        KinesisClientLog.Configured(_logger, endpoint.Url, endpoint.SigningRegion, _credentials.Describe);
        return endpoint;
    }

    private async Task<TResponse> InvokeAsync<TRequest, TResponse>(
        string operation,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
        where TResponse : KinesisResponse, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed, this);

        var endpoint = _endpoint.Value;
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        var maxAttempts = _options.MaxRetries + 1;

        for (var attempt = 1; ; attempt++)
        {
            // Fetched per attempt, so refreshed temporary credentials are used; outside the try, because
            // having no credentials is a configuration problem that no retry solves.
            var credentials = await _credentials.GetAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await SendAsync(operation, endpoint, credentials, body, responseType, attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (KinesisException ex) when (attempt < maxAttempts && KinesisErrorTranslator.IsTransient(ex))
            {
                var delay = _backoff.Before(attempt);
                KinesisClientLog.Retrying(_logger, operation, attempt, maxAttempts, ex, delay);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (KinesisException ex)
            {
                KinesisClientLog.Failed(_logger, operation, attempt, ex);
                throw;
            }
        }
    }

    private async Task<TResponse> SendAsync<TResponse>(
        string operation,
        KinesisEndpoint endpoint,
        ImmutableCredentials credentials,
        byte[] body,
        JsonTypeInfo<TResponse> responseType,
        int attempt,
        CancellationToken cancellationToken)
        where TResponse : KinesisResponse, new()
    {
        // Signed per attempt: a retry much later than the first try needs a fresh X-Amz-Date.
        using var message = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonMediaType);
        message.Headers.TryAddWithoutValidation("X-Amz-Target", TargetPrefix + operation);
        message.Headers.UserAgent.Add(UserAgent);
        SigV4RequestSigner.Sign(message, body, credentials, endpoint.SigningRegion, SigningService, _time.GetUtcNow().UtcDateTime);

        using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attemptTimeout.CancelAfter(_options.RequestTimeout);
        var started = _time.GetTimestamp();

        HttpStatusCode status;
        byte[] responseBody;
        string? requestId;
        string? errorType;
        try
        {
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, attemptTimeout.Token).ConfigureAwait(false);
            status = response.StatusCode;
            requestId = FirstHeader(response, "x-amzn-RequestId");
            errorType = FirstHeader(response, "x-amzn-ErrorType");
            responseBody = await response.Content.ReadAsByteArrayAsync(attemptTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            throw new KinesisException($"Kinesis {operation} got no answer from {endpoint.Url.Authority} within {_options.RequestTimeout}.", new TimeoutException(ex.Message, ex));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new KinesisException($"Kinesis {operation} could not reach {endpoint.Url.Authority}: {ex.Message}", ex);
        }

        KinesisClientLog.Completed(_logger, operation, (int)status, _time.GetElapsedTime(started), attempt);

        if ((int)status is < 200 or > 299)
        {
            throw KinesisErrorTranslator.Translate(operation, status, responseBody, errorType, requestId);
        }

        TResponse? result;
        try
        {
            result = responseBody.Length == 0 ? new TResponse() : JsonSerializer.Deserialize(responseBody, responseType);
        }
        catch (JsonException ex)
        {
            throw new KinesisException($"Kinesis {operation} answered HTTP {(int)status} with a body that is not a valid {typeof(TResponse).Name}.", null, status, requestId, ex);
        }

        result ??= new TResponse();
        result.HttpStatusCode = status;
        result.RequestId = requestId;
        return result;
    }

    private static string? FirstHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
