using LogPipe.Cli.Output;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Operations;

namespace LogPipe.Cli.DeadLetters;

/// <summary>The shape of a dead letter in <c>--json</c> output.</summary>
internal static class DeadLetterJson
{
    public static object Summary(LogPipeDeadLetter d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new
        {
            d.Id,
            d.ConsumerGroup,
            d.Transport,
            d.Stream,
            d.Partition,
            d.Offset,
            d.SequenceNumber,
            Key = d.Key is null ? null : Bytes.Key(d.Key),
            d.MessageType,
            d.Version,
            d.ErrorKind,
            d.Error,
            d.Attempts,
            RecordTimestamp = RecordPrinter.Timestamp(d.RecordTimestamp),
            FirstFailedAt = RecordPrinter.Timestamp(d.FirstFailedAt),
            DeadLetteredAt = RecordPrinter.Timestamp(d.DeadLetteredAt),
            ReplayRequestedAt = d.ReplayRequestedAt is { } at ? RecordPrinter.Timestamp(at) : null,
        };
    }
}
