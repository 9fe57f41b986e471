namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>Applies a <see cref="DeadLetterQuery"/> to any query over the dead-letter table, for tools that own their DbContext.</summary>
public static class DeadLetterQueryExtensions
{
    /// <summary>The rows <paramref name="query"/> selects, oldest first, with its paging applied.</summary>
    /// <param name="rows">The dead-letter table (or a query over it).</param>
    /// <param name="query">The filters and paging.</param>
    /// <param name="defaultConsumerGroup">The group to match when <see cref="DeadLetterQuery.ConsumerGroup"/> is not set.</param>
    /// <returns>The filtered, ordered and paged query.</returns>
    public static IQueryable<LogPipeDeadLetter> Matching(this IQueryable<LogPipeDeadLetter> rows, DeadLetterQuery query, string defaultConsumerGroup)
    {
        ArgumentNullException.ThrowIfNull(query);
        var group = query.ConsumerGroup ?? defaultConsumerGroup;
        rows = rows.Where(d => d.ConsumerGroup == group);
        if (query.Stream is { } stream) rows = rows.Where(d => d.Stream == stream);
        if (query.ErrorKind is { } kind) rows = rows.Where(d => d.ErrorKind == kind);
        if (query.MessageType is { } type) rows = rows.Where(d => d.MessageType == type);
        if (query.Ids is { } ids) rows = rows.Where(d => ids.Contains(d.Id));
        return rows.OrderBy(d => d.Id).Skip(query.Skip).Take(query.Take);
    }
}
