using LogPipe.Hosting.EntityFrameworkCore;

namespace LogPipe.Hosting.Operations;

/// <summary>A checkpoint moved by <see cref="LogPipeOperations.MoveOffsetAsync"/>: a running consumer is fenced at its next commit and resumes from it.</summary>
/// <param name="Transport">The checkpoint's transport.</param>
/// <param name="Before">The checkpoint the decision was based on, or <see langword="null"/> when there was none.</param>
/// <param name="Stored">The checkpoint as stored, with its new version.</param>
public sealed record OffsetMove(string Transport, LogPipeCheckpoint? Before, LogPipeCheckpoint Stored);
