using System.Net;
using System.Text.Json;

namespace LogPipe.Hosting.Kinesis.Client.Transport;

/// <summary>
/// Turns a JSON 1.1 error response (<c>{"__type": ..., "message": ...}</c>, or a non-JSON body from a
/// proxy) into the typed exception a caller catches.
/// </summary>
internal static class KinesisErrorTranslator
{
    public static KinesisException Translate(string operation, HttpStatusCode statusCode, ReadOnlySpan<byte> body, string? errorTypeHeader, string? requestId)
    {
        var (code, detail) = Read(body);
        code = Normalise(code ?? errorTypeHeader);

        var message = string.Concat(
            $"Kinesis {operation} failed with {code ?? "an unreadable error"} (HTTP {(int)statusCode})",
            string.IsNullOrEmpty(detail) ? "." : $": {detail}",
            requestId is null ? string.Empty : $" Request id: {requestId}.");

        return code switch
        {
            "ProvisionedThroughputExceededException" or "LimitExceededException" or "ThrottlingException" or "KMSThrottlingException"
                => new KinesisThrottledException(message, code, statusCode, requestId),
            "ExpiredIteratorException" => new KinesisExpiredIteratorException(message, code, statusCode, requestId),
            "ResourceNotFoundException" => new KinesisResourceNotFoundException(message, code, statusCode, requestId),
            "ResourceInUseException" => new KinesisResourceInUseException(message, code, statusCode, requestId),
            "ValidationException" or "InvalidArgumentException" => new KinesisValidationException(message, code, statusCode, requestId),
            _ => new KinesisException(message, code, statusCode, requestId),
        };
    }

    /// <summary>
    /// Whether another attempt may succeed: throttling, a 5xx answer, or no answer at all (network
    /// fault or timeout). Errors about the request itself are final.
    /// </summary>
    public static bool IsTransient(KinesisException exception) =>
        exception is KinesisThrottledException
        || exception.StatusCode is null
        || (int)exception.StatusCode >= 500;

    // "com.amazonaws.kinesis.v20131202#ResourceNotFoundException:http://..." -> "ResourceNotFoundException"
    private static string? Normalise(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var start = code.LastIndexOf('#') + 1;
        var end = code.IndexOf(':', start);
        return (end < 0 ? code[start..] : code[start..end]).Trim();
    }

    private static (string? Code, string? Message) Read(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty || body[0] != (byte)'{')
        {
            return (null, null);
        }

        try
        {
            var error = JsonSerializer.Deserialize(body, KinesisJsonContext.Default.KinesisErrorBody);
            return (error?.Type, error?.Message ?? error?.CapitalisedMessage);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
