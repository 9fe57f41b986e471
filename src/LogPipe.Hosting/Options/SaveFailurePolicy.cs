namespace LogPipe.Hosting;

/// <summary>What a consumer does with a record whose save failed on every attempt.</summary>
public enum SaveFailurePolicy
{
    /// <summary>Keep the record as a dead letter (same transaction as the checkpoint that moves past it) and go on.</summary>
    DeadLetter,

    /// <summary>Stop the consumer service without moving the checkpoint; the record is applied again after a restart.</summary>
    Stop,
}
