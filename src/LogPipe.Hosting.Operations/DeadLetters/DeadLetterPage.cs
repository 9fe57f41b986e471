using LogPipe.Hosting.EntityFrameworkCore;

namespace LogPipe.Hosting.Operations;

/// <summary>A page of dead letters, oldest first, and how many match the filters in all.</summary>
/// <param name="DeadLetters">The page.</param>
/// <param name="Total">How many match, ignoring paging.</param>
public sealed record DeadLetterPage(IReadOnlyList<LogPipeDeadLetter> DeadLetters, int Total);
