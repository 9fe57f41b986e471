using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace LogPipe.Hosting.Kinesis.Client.Transport;

/// <summary>
/// Supplies the credentials each request is signed with: the explicit key pair from the options,
/// or the AWS SDK's default chain (<see cref="DefaultAWSCredentialsIdentityResolver"/>: environment,
/// profile, SSO, web identity, container, instance metadata), resolved once and then refreshed by the
/// SDK's credentials object itself.
/// </summary>
internal sealed class KinesisCredentialSource : IDisposable
{
    private readonly SemaphoreSlim _resolving = new(1, 1);
    private readonly DefaultAWSCredentialsIdentityResolver? _resolver;
    private AWSCredentials? _credentials;

    public KinesisCredentialSource(KinesisClientOptions options)
    {
        if (options.HasExplicitCredentials)
        {
            _credentials = string.IsNullOrEmpty(options.SessionToken)
                ? new BasicAWSCredentials(options.AccessKey, options.SecretKey)
                : new SessionAWSCredentials(options.AccessKey, options.SecretKey, options.SessionToken);
        }
        else
        {
            _resolver = new DefaultAWSCredentialsIdentityResolver();
        }
    }

    /// <summary>Names where the credentials come from, for logs (a type name, never a key).</summary>
    public string Describe() => _credentials?.GetType().Name ?? "the AWS SDK default credential chain";

    public async ValueTask<ImmutableCredentials> GetAsync(CancellationToken cancellationToken)
    {
        var credentials = _credentials ?? await ResolveAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Refreshing credentials (roles, SSO) renew themselves here when they are about to expire.
            return await credentials.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (AmazonClientException ex)
        {
            throw NoCredentials(ex);
        }
    }

    public void Dispose()
    {
        _resolver?.Dispose();
        _resolving.Dispose();
    }

    private async Task<AWSCredentials> ResolveAsync(CancellationToken cancellationToken)
    {
        await _resolving.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_credentials is null)
            {
                try
                {
                    _credentials = await _resolver!.ResolveIdentityAsync(null, cancellationToken).ConfigureAwait(false);
                }
                catch (AmazonClientException ex)
                {
                    throw NoCredentials(ex);
                }
            }

            return _credentials;
        }
        finally
        {
            _resolving.Release();
        }
    }

    private static KinesisException NoCredentials(AmazonClientException cause) => new(
        "No AWS credentials: set KinesisClientOptions.AccessKey and SecretKey, or configure the AWS default credential chain (environment, profile, role).",
        cause);
}
