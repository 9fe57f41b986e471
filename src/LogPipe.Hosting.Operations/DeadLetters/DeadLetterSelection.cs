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
    private DeadLetterSelection(DeadLetterQuery query, IReadOnlyList<long>? ids, string? consumerGroup)
    {
        Query = query;
        Ids = ids;
        ConsumerGroup = consumerGroup;
    }

    /// <summary>The filters and paging.</summary>
    public DeadLetterQuery Query { get; }

    /// <summary>The ids asked for, when selecting by id.</summary>
    public IReadOnlyList<long>? Ids { get; }

    /// <summary>The group the filters apply to (<see langword="null"/> when selecting by id).</summary>
    public string? ConsumerGroup { get; }

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
        if (skip < 0 || take <= 0) throw OperationException.Invalid("--skip must not be negative and --take must be positive.");
        return new DeadLetterSelection(
            new DeadLetterQuery { ConsumerGroup = consumerGroup, Stream = stream, ErrorKind = ErrorKind(errorKind), MessageType = messageType, Skip = skip, Take = take },
            null,
            consumerGroup);
    }

    /// <summary>The selected rows of <paramref name="rows"/>, oldest first.</summary>
    internal IQueryable<LogPipeDeadLetter> Apply(IQueryable<LogPipeDeadLetter> rows) => Ids is { } ids
        ? rows.Where(d => ids.Contains(d.Id)).OrderBy(d => d.Id)
        : rows.Matching(Query, ConsumerGroup!);

    /// <summary>How many rows the filters match, ignoring paging (by id: how many of the ids exist).</summary>
    internal Task<int> CountAsync(IQueryable<LogPipeDeadLetter> rows, CancellationToken cancellationToken) => Ids is { } ids
        ? rows.CountAsync(d => ids.Contains(d.Id), cancellationToken)
        : rows.Matching(Query with { Skip = 0, Take = int.MaxValue }, ConsumerGroup!).CountAsync(cancellationToken);

    /// <summary>The selected rows, projected, oldest first.</summary>
    /// <exception cref="OperationException">An id asked for does not exist (<see cref="OperationFailure.NotFound"/>).</exception>
    internal async Task<List<T>> FindAsync<T>(DbContext db, Expression<Func<LogPipeDeadLetter, T>> projection, Func<T, long> idOf, CancellationToken cancellationToken)
    {
        var found = await Apply(db.Set<LogPipeDeadLetter>().AsNoTracking()).Select(projection).ToListAsync(cancellationToken).ConfigureAwait(false);
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
            : throw OperationException.Invalid($"Unknown error kind '{text}' (--kind): use one of {string.Join(", ", Enum.GetNames<MessageErrorKind>())}.");
    }
}
