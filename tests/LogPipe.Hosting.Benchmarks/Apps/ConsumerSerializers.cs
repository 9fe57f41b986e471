namespace LogPipe.Hosting.Benchmarks.Apps;

/// <summary>What a consumer phase registers for the <c>person</c> records.</summary>
public enum ConsumerSerializers
{
    /// <summary><see cref="NoOpPersonSerializer"/>: saves nothing.</summary>
    NoOp,

    /// <summary>The sample's <c>PersonSerializerV1</c>/<c>V2</c>: a unit's messages in one multi-row upsert (<c>SaveBatchAsync</c>).</summary>
    SampleUpsert,

    /// <summary><see cref="PerRecordPersonSerializer"/>: the sample's per-message save (lookup by uuid, insert or update through EF Core's change tracker).</summary>
    SampleUpsertPerRecord,
}
