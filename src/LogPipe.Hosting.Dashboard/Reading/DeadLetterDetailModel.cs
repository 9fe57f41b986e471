using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Operations;

namespace LogPipe.Hosting.Dashboard.Reading;

/// <summary>One dead letter, its record decoded as the consumers read it (or why not), and its headers made readable.</summary>
internal sealed record DeadLetterDetailModel(LogPipeDeadLetter DeadLetter, DecodedRecord Record, IReadOnlyList<KeyValuePair<string, string>> Headers);
