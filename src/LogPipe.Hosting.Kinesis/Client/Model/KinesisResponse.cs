using System.Net;
using System.Text.Json.Serialization;

namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>
/// What every Kinesis response carries besides its payload: the HTTP status and the request id
/// that AWS support asks for.
/// </summary>
internal abstract class KinesisResponse
{
    /// <summary>The HTTP status code of the successful response (normally 200).</summary>
    [JsonIgnore]
    public HttpStatusCode HttpStatusCode { get; set; }

    /// <summary>The <c>x-amzn-RequestId</c> response header, when the service sent one.</summary>
    [JsonIgnore]
    public string? RequestId { get; set; }
}
