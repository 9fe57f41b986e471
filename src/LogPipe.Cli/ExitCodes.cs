using LogPipe.Hosting.Operations;

namespace LogPipe.Cli;

/// <summary>The exit codes scripts can rely on; docs/operations.md lists them.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The operation failed (a replay that failed again, a wait that timed out, an unexpected error).</summary>
    public const int Failed = 1;

    /// <summary>The command line or the configuration is wrong: a missing config file, an unknown provider, a bad connection string.</summary>
    public const int Usage = 2;

    /// <summary>The Kafka cluster or the database could not be reached.</summary>
    public const int Unreachable = 3;

    /// <summary>What the command names does not exist: an unknown topic or partition, an unknown dead-letter id.</summary>
    public const int NotFound = 4;

    /// <summary>The command refused to act: the consumer group is active (and no --force), a purge without --yes.</summary>
    public const int Refused = 5;

    /// <summary>
    /// What the command was changing changed under it: a consumer committed the checkpoint, or someone else moved it,
    /// between the tool's read and its write. Nothing was written; look again and retry.
    /// </summary>
    public const int Conflict = 6;

    /// <summary>The exit code of an operator action that did not happen.</summary>
    public static int Of(OperationFailure failure) => failure switch
    {
        OperationFailure.InvalidRequest => Usage,
        OperationFailure.Unreachable => Unreachable,
        OperationFailure.NotFound => NotFound,
        OperationFailure.Refused => Refused,
        OperationFailure.Conflict => Conflict,
        _ => Failed,
    };
}
