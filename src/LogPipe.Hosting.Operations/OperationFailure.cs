namespace LogPipe.Hosting.Operations;

/// <summary>Why an operator action did not happen; each front end maps it to its own answer (an exit code, an HTTP page).</summary>
public enum OperationFailure
{
    /// <summary>The action or its settings are wrong: an unknown provider, a malformed value, a missing setting.</summary>
    InvalidRequest,

    /// <summary>The action failed: a database or transport error, or an unexpected answer.</summary>
    Failed,

    /// <summary>The database, the Kafka cluster or Kinesis could not be reached.</summary>
    Unreachable,

    /// <summary>What the action names does not exist: a topic, partition, shard, stream, dead letter or lease.</summary>
    NotFound,

    /// <summary>A safety rule refused the action: the consumer group is active, a position is outside the log, a lease is live.</summary>
    Refused,

    /// <summary>What the action was changing changed under it (a consumer committed, another operator moved it); nothing was written.</summary>
    Conflict,
}
