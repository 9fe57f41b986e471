namespace LogPipe.Hosting.Dashboard.Reading;

/// <summary>The purge confirmation: the filters it came from and the ids that a confirmed purge deletes, nothing more.</summary>
internal sealed record DeadLetterPurgeModel(DeadLetterFilter Filter, IReadOnlyList<long> Ids, long? SingleId);
