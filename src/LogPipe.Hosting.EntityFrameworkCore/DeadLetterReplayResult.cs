namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>What a replay of dead letters came to.</summary>
/// <param name="Replayed">Dead letters applied and removed.</param>
/// <param name="StillFailing">Dead letters that failed again and were kept, with the new error.</param>
public sealed record DeadLetterReplayResult(int Replayed, int StillFailing);
