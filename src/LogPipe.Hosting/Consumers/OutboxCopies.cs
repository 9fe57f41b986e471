using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// Tells the copies in a unit: records whose outbox identity this consumer group applied in an earlier unit (read once per
/// unit from the unit of work) or earlier in this unit. Collects the identities of the records the unit handled, which the
/// unit of work writes with its commit. Records without identity headers are never copies; records with malformed ones
/// are applied (at least once) with a warning.
/// </summary>
internal sealed class OutboxCopies
{
    private static readonly IReadOnlySet<OutboxIdentity> EmptySet = new HashSet<OutboxIdentity>();

    /// <summary>For units without identities, or stores that do not keep them: nothing is a copy, nothing is kept.</summary>
    private static readonly OutboxCopies None = new(null, null, EmptySet, null);

    // Per record of the unit, allocated only for units with identity headers (most units have none).
    private readonly OutboxIdentity?[]? _identities;
    private readonly string?[]? _problems;
    private readonly IReadOnlySet<OutboxIdentity> _appliedBefore;
    private readonly ILogger? _logger;
    private HashSet<OutboxIdentity>? _handled;

    private OutboxCopies(OutboxIdentity?[]? identities, string?[]? problems, IReadOnlySet<OutboxIdentity> appliedBefore, ILogger? logger)
    {
        _identities = identities;
        _problems = problems;
        _appliedBefore = appliedBefore;
        _logger = logger;
    }

    /// <summary>The identities of the records handled so far, to be written with the unit's commit.</summary>
    public IReadOnlyCollection<OutboxIdentity> Handled => (IReadOnlyCollection<OutboxIdentity>?)_handled ?? [];

    /// <summary>
    /// Reads the unit's identities and asks the unit of work which were applied already: one read per unit, none when the
    /// unit has no identities or the store does not keep them.
    /// </summary>
    public static async Task<OutboxCopies> FindAsync(IUnitOfWork work, List<(ConsumerState Consumer, IncomingRecord Record)> unit, ILogger logger, CancellationToken cancellationToken)
    {
        if (!work.SupportsOutboxIdentities) return None;
        OutboxIdentity?[]? identities = null;
        string?[]? problems = null;
        HashSet<OutboxIdentity>? asked = null;
        for (var i = 0; i < unit.Count; i++)
        {
            var headers = unit[i].Record.Headers;
            if (headers is null || headers.Count == 0) continue;
            if (OutboxIdentity.TryRead(headers, out var identity, out var problem))
            {
                (identities ??= new OutboxIdentity?[unit.Count])[i] = identity;
                (asked ??= []).Add(identity);
            }
            else if (problem is not null)
            {
                (problems ??= new string?[unit.Count])[i] = problem;
            }
        }

        if (identities is null && problems is null) return None;
        var applied = asked is null ? EmptySet : await work.FindAppliedAsync(asked, cancellationToken).ConfigureAwait(false);
        return new OutboxCopies(identities, problems, applied, logger);
    }

    /// <summary>
    /// Whether the record at <paramref name="index"/> is a copy of one applied before (in an earlier unit, or handled
    /// earlier in this one); logs it when it is.
    /// </summary>
    public bool IsCopy(int index, IncomingRecord record, PreparedRecord prepared)
    {
        if (_identities?[index] is not { } identity) return false;
        if (!_appliedBefore.Contains(identity) && _handled?.Contains(identity) != true) return false;
        if (_logger!.IsEnabled(LogLevel.Information))
        {
            OutboxCopyLog.CopySkipped(_logger, identity.ToString(), record.Partition.Stream, record.Partition.Partition, record.Offset, TypeOf(prepared), VersionOf(prepared));
        }

        return true;
    }

    /// <summary>The record at <paramref name="index"/> was handled (applied or kept as a dead letter): its identity is kept.</summary>
    public void MarkHandled(int index, IncomingRecord record, PreparedRecord prepared)
    {
        if (_identities?[index] is { } identity)
        {
            (_handled ??= []).Add(identity);
        }
        else if (_problems?[index] is { } problem)
        {
            OutboxCopyLog.MalformedIdentity(_logger!, record.Partition.Stream, record.Partition.Partition, record.Offset, TypeOf(prepared), VersionOf(prepared), problem);
        }
    }

    /// <summary>The outcome of a skipped copy.</summary>
    public static RecordOutcome CopyOutcome(PreparedRecord prepared) => RecordOutcome.Copy(TypeOf(prepared), VersionOf(prepared));

    private static string? TypeOf(PreparedRecord prepared) => prepared.Error is { } error ? error.MessageType : prepared.Envelope.Type;

    private static int? VersionOf(PreparedRecord prepared) => prepared.Error is { } error ? error.Version : prepared.Envelope.Version;
}
