using System.Runtime.CompilerServices;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Consumers;

/// <summary>
/// When a record is old enough to apply under <c>LogPipe:MinMessageLag</c>. The lag counts from the record's timestamp,
/// but a timestamp in the future (a producer whose clock runs ahead) counts from when this process first saw the record:
/// it is never held longer than the lag, and with no lag nothing is ever held.
/// </summary>
internal sealed class MessageLag
{
    private readonly TimeSpan _lag;

    // Only records stamped in the future are remembered, and only as long as the record itself lives.
    private readonly ConditionalWeakTable<IncomingRecord, StrongBox<DateTimeOffset>> _firstSeen = new();

    public MessageLag(TimeSpan minMessageLag) => _lag = minMessageLag > TimeSpan.Zero ? minMessageLag : TimeSpan.Zero;

    /// <summary>When <paramref name="record"/> may be applied; <see cref="DateTimeOffset.MinValue"/> without a lag.</summary>
    public DateTimeOffset DueAt(IncomingRecord record, DateTimeOffset now)
    {
        if (_lag <= TimeSpan.Zero) return DateTimeOffset.MinValue;
        var since = record.Timestamp <= now ? record.Timestamp : FirstSeen(record, now);
        return since + _lag;
    }

    // Its own method: a lambda capturing a parameter allocates its closure on entry to the method that declares it,
    // which in DueAt would be once per record even with no lag.
    private DateTimeOffset FirstSeen(IncomingRecord record, DateTimeOffset now) =>
        _firstSeen.GetValue(record, _ => new StrongBox<DateTimeOffset>(now)).Value;
}
