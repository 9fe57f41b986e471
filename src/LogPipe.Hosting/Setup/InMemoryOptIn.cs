namespace LogPipe.Hosting;

/// <summary>
/// Recorded by <c>UseInMemoryTransport()</c> and <c>UseInMemoryOffsets()</c>: the in-memory part is chosen on purpose (a
/// test, a tool), so starting with it outside Development is allowed.
/// </summary>
/// <param name="Transport">The in-memory transport is chosen on purpose.</param>
/// <param name="Checkpoints">Checkpoints in process memory are chosen on purpose.</param>
internal sealed record InMemoryOptIn(bool Transport, bool Checkpoints);
