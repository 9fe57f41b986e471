namespace LogPipe.Hosting.Kinesis.Client.Model;

/// <summary>Deletes a stream and all its records.</summary>
internal sealed class DeleteStreamRequest
{
    /// <summary>The stream to delete.</summary>
    public string? StreamName { get; set; }

    /// <summary>Whether to deregister enhanced fan-out consumers too, instead of failing while they exist.</summary>
    public bool? EnforceConsumerDeletion { get; set; }
}
