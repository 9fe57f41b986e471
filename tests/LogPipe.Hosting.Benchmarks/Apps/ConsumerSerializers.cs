namespace LogPipe.Hosting.Benchmarks.Apps;

/// <summary>What a consumer phase registers for the <c>person</c> records.</summary>
public enum ConsumerSerializers
{
    /// <summary><see cref="NoOpPersonSerializer"/>: saves nothing.</summary>
    NoOp,

    /// <summary>The sample's <c>PersonSerializerV1</c>/<c>V2</c>: look the replica up by uuid, then insert or update it through EF Core.</summary>
    SampleUpsert,
}
