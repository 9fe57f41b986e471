using LogPipe.Hosting.Kinesis.Client;

namespace LogPipe.Hosting.Kinesis.Tests.Fixtures;

/// <summary>A client whose every answer comes from a <see cref="FaultInjectingHandler"/> script: no server.</summary>
internal static class ScriptedKinesis
{
    /// <summary>A client for a made-up region that sends only to <paramref name="handler"/>.</summary>
    public static KinesisClient Client(FaultInjectingHandler handler, int maxRetries = 0) =>
        new(new KinesisClientOptions { Region = "us-east-1", AccessKey = "AKIDSCRIPTED", SecretKey = "secret", MaxRetries = maxRetries }, new HttpClient(handler));
}
