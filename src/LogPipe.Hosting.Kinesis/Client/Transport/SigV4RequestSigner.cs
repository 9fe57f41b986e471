using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace LogPipe.Hosting.Kinesis.Client.Transport;

/// <summary>
/// Signs a request with AWS Signature Version 4. The canonical request is built here (for JSON 1.1
/// that is a POST with a handful of headers); the key derivation, the string to sign and the
/// <c>Authorization</c> header come from AWSSDK.Core's <see cref="AWS4Signer.ComputeSignature(ImmutableCredentials, string, DateTime, string, string, string)"/>,
/// which also caches the derived signing key per day, region and service.
/// </summary>
/// <remarks>
/// AWSSDK.Core's full pipeline (<c>AWS4Signer.Sign(IRequest, IClientConfig, ...)</c>) needs an SDK
/// request object and a service <c>ClientConfig</c> subclass; its public static pieces need neither.
/// </remarks>
internal static class SigV4RequestSigner
{
    private const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>
    /// Adds <c>Host</c>, <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> (for temporary credentials) and
    /// <c>Authorization</c> to <paramref name="request"/>, signing its method, URL, content type, every
    /// <c>X-Amz-*</c> header and <paramref name="body"/>.
    /// </summary>
    public static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, ImmutableCredentials credentials, string region, string service, DateTime signedAtUtc)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI to sign.");
        var host = uri.IsDefaultPort ? uri.Host : string.Create(CultureInfo.InvariantCulture, $"{uri.Host}:{uri.Port}");
        var amzDate = signedAtUtc.ToString(DateFormat, CultureInfo.InvariantCulture);

        request.Headers.Host = host;
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (credentials.UseToken)
        {
            request.Headers.Remove("X-Amz-Security-Token");
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }

        var signed = new List<KeyValuePair<string, string>> { new("host", host) };
        foreach (var header in request.Headers)
        {
            if (header.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
            {
                signed.Add(new(header.Key, string.Join(',', header.Value)));
            }
        }

        if (request.Content?.Headers.ContentType is { } contentType)
        {
            signed.Add(new("content-type", contentType.ToString()));
        }

        var authorization = Authorize(credentials, region, service, signedAtUtc, request.Method.Method, uri, signed, HashPayload(body));
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
    }

    /// <summary>The value of the <c>Authorization</c> header for a request with these parts.</summary>
    public static string Authorize(
        ImmutableCredentials credentials,
        string region,
        string service,
        DateTime signedAtUtc,
        string method,
        Uri uri,
        IEnumerable<KeyValuePair<string, string>> headers,
        string payloadHash)
    {
        var canonicalRequest = CanonicalRequest(method, uri, headers, payloadHash, out var signedHeaders);
        return AWS4Signer.ComputeSignature(credentials, region, signedAtUtc, service, signedHeaders, canonicalRequest).ForAuthorizationHeader;
    }

    /// <summary>Hex SHA-256 of the body, as the canonical request's last line.</summary>
    public static string HashPayload(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>
    /// The canonical request of SigV4: method, path, sorted query, sorted lower-case headers with
    /// trimmed values, the list of signed header names, and the payload hash, one per line.
    /// </summary>
    public static string CanonicalRequest(string method, Uri uri, IEnumerable<KeyValuePair<string, string>> headers, string payloadHash, out string signedHeaders)
    {
        var sorted = headers
            .Select(h => (Name: h.Key.Trim().ToLowerInvariant(), Value: CollapseSpaces(h.Value.Trim())))
            .GroupBy(h => h.Name, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Value: string.Join(',', g.Select(h => h.Value))))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        signedHeaders = string.Join(';', sorted.Select(h => h.Name));

        var canonical = new StringBuilder();
        canonical.Append(method).Append('\n');
        canonical.Append(CanonicalPath(uri)).Append('\n');
        canonical.Append(CanonicalQuery(uri)).Append('\n');
        foreach (var (name, value) in sorted)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return canonical.ToString();
    }

    // Non-S3 services encode each path segment once more on top of the URL's own encoding.
    private static string CanonicalPath(Uri uri)
    {
        var path = uri.AbsolutePath;
        if (path.Length == 0 || path == "/")
        {
            return "/";
        }

        return string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
    }

    private static string CanonicalQuery(Uri uri)
    {
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0)
        {
            return string.Empty;
        }

        var pairs = query
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Name: Encode(p[0]), Value: p.Length > 1 ? Encode(p[1]) : string.Empty))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => $"{p.Name}={p.Value}"));

        static string Encode(string component) => Uri.EscapeDataString(Uri.UnescapeDataString(component));
    }

    private static string CollapseSpaces(string value)
    {
        if (!value.Contains("  ", StringComparison.Ordinal))
        {
            return value;
        }

        var collapsed = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c != ' ' || collapsed.Length == 0 || collapsed[^1] != ' ')
            {
                collapsed.Append(c);
            }
        }

        return collapsed.ToString();
    }
}
