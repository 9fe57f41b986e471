using System.Linq.Expressions;
using LogPipe.Hosting.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// Which dead letters an action is about: chosen by filters within one consumer group (<see cref="Filter"/>), or by id
/// in any group (<see cref="ByIds"/>). Oldest first.
/// </summary>
public sealed class DeadLetterSelection
{
    private DeadLetterSelection(DeadLetterQuery query, IReadOnlyList<long>? ids, string? consumerGroup, DateTimeOffset? since = null, DateTimeOffset? until = null)
    {
        Query = query;
        Ids = ids;
        ConsumerGroup = consumerGroup;
        Since = since;
        Until = until;
    }

    /// <summary>The filters and paging.</summary>
    public DeadLetterQuery Query { get; }

    /// <summary>The ids asked for, when selecting by id.</summary>
    public IReadOnlyList<long>? Ids { get; }

    /// <summary>The group the filters apply to (<see langword="null"/> when selecting by id).</summary>
    public string? ConsumerGroup { get; }

    /// <summary>Only those dead-lettered at or after this time, when set.</summary>
    public DateTimeOffset? Since { get; }

    /// <summary>Only those dead-lettered before this time, when set.</summary>
    public DateTimeOffset? Until { get; }

    /// <summary>These dead letters, whichever consumer group they belong to; an id that does not exist fails the action.</summary>
    /// <param name="ids">The ids.</param>
    /// <returns>The selection.</returns>
    public static DeadLetterSelection ByIds(IReadOnlyList<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return new DeadLetterSelection(new DeadLetterQuery { Ids = ids, Take = ids.Count }, ids, null);
    }

    /// <summary>The dead letters of a consumer group matching the filters, oldest first, paged.</summary>
    /// <param name="consumerGroup">The consumer group.</param>
    /// <param name="stream">Only from this topic or stream.</param>
    /// <param name="errorKind">Only of this error kind: a <see cref="MessageErrorKind"/> name, in any case.</param>
    /// <param name="messageType">Only of this message type.</param>
    /// <param name="skip">Skip this many.</param>
    /// <param name="take">At most this many.</param>
    /// <returns>The selection.</returns>
    /// <exception cref="OperationException">An unknown error kind, or a negative paging value (<see cref="OperationFailure.InvalidRequest"/>).</exception>
    public static DeadLetterSelection Filter(string consumerGroup, string? stream = null, string? errorKind = null, string? messageType = null, int skip = 0, int take = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(consumerGroup);
        if (skip < 0 || take <= 0) throw OperationException.Invalid("The number of dead letters to skip must not be negative and the number to take must be positive.");
        return new DeadLetterSelection(
            new DeadLetterQuery { ConsumerGroup = consumerGroup, Stream = stream, ErrorKind = ErrorKind(errorKind), MessageType = messageType, Skip = skip, Take = take },
            null,
            consumerGroup);
    }

    /// <summary>This selection narrowed to the dead letters dead-lettered in [<paramref name="since"/>, <paramref name="until"/>).</summary>
    /// <param name="since">From this time on (inclusive), or <see langword="null"/> for no lower bound.</param>
    /// <param name="until">Before this time (exclusive), or <see langword="null"/> for no upper bound.</param>
    /// <returns>The narrowed selection.</returns>
    /// <exception cref="OperationException">Selecting by id, or <paramref name="until"/> not after <paramref name="since"/> (<see cref="OperationFailure.InvalidRequest"/>).</exception>
    public DeadLetterSelection DeadLetteredBetween(DateTimeOffset? since, DateTimeOffset? until)
    {
        if (Ids is not null) throw OperationException.Invalid("A selection by id cannot be narrowed by time.");
        if (since is { } from && until is { } to && to <= from) throw OperationException.Invalid($"The time range is empty: 'until' ({to:O}) must be after 'since' ({from:O}).");
        return new DeadLetterSelection(Query, null, ConsumerGroup, since, until);
    }

    /// <summary>The selected rows of <paramref name="rows"/>, oldest first.</summary>
    internal async Task<IQueryable<LogPipeDeadLetter>> ApplyAsync(IQueryable<LogPipeDeadLetter> rows, CancellationToken cancellationToken)
    {
        if (Ids is { } ids) return rows.Where(d => ids.Contains(d.Id)).OrderBy(d => d.Id);
        if (await InTimeRangeAsync(rows, cancellationToken).ConfigureAwait(false) is not { } inRange) return rows.Matching(Query, ConsumerGroup!);
        var page = inRange.Skip(Query.Skip).Take(Query.Take).ToList();
        return rows.Where(d => page.Contains(d.Id)).OrderBy(d => d.Id);
    }

    /// <summary>How many rows the filters match, ignoring paging (by id: how many of the ids exist).</summary>
    internal async Task<int> CountAsync(IQueryable<LogPipeDeadLetter> rows, CancellationToken cancellationToken)
    {
        if (Ids is { } ids) return await rows.CountAsync(d => ids.Contains(d.Id), cancellationToken).ConfigureAwait(false);
        return await InTimeRangeAsync(rows, cancellationToken).ConfigureAwait(false) is { } inRange
            ? inRange.Count
            : await rows.Matching(Query with { Skip = 0, Take = int.MaxValue }, ConsumerGroup!).CountAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The ids of the unpaged matches inside the time range, oldest first; <see langword="null"/> without one. The range is
    /// checked here rather than in SQL because SQLite cannot compare stored DateTimeOffset values.
    /// </summary>
    private async Task<List<long>?> InTimeRangeAsync(IQueryable<LogPipeDeadLetter> rows, CancellationToken cancellationToken)
    {
        if (Since is null && Until is null) return null;
        var candidates = await rows.Matching(Query with { Skip = 0, Take = int.MaxValue }, ConsumerGroup!)
            .Select(d => new { d.Id, d.DeadLetteredAt }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return candidates.Where(c => (Since is not { } from || c.DeadLetteredAt >= from) && (Until is not { } to || c.DeadLetteredAt < to)).Select(c => c.Id).ToList();
    }

    /// <summary>The selected rows, projected, oldest first.</summary>
    /// <exception cref="OperationException">An id asked for does not exist (<see cref="OperationFailure.NotFound"/>).</exception>
    internal async Task<List<T>> FindAsync<T>(DbContext db, Expression<Func<LogPipeDeadLetter, T>> projection, Func<T, long> idOf, CancellationToken cancellationToken)
    {
        var selected = await ApplyAsync(db.Set<LogPipeDeadLetter>().AsNoTracking(), cancellationToken).ConfigureAwait(false);
        var found = await selected.Select(projection).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (Ids is not null)
        {
            var missing = Ids.Except(found.Select(idOf)).ToList();
            if (missing.Count > 0) throw OperationException.NotFound($"No dead letter with id {string.Join(", ", missing)}.");
        }

        return found;
    }

    private static string? ErrorKind(string? text)
    {
        if (text is null) return null;
        return Enum.TryParse<MessageErrorKind>(text, ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !char.IsAsciiDigit(text[0])
            ? kind.ToString()
            : throw OperationException.Invalid($"Unknown error kind '{text}': use one of {string.Join(", ", Enum.GetNames<MessageErrorKind>())}.");
    }
}
