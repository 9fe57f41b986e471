namespace LogPipe.Hosting.Operations;

/// <summary>A dead letter as it was when marked for replay: a later attempt count tells that its replay failed again.</summary>
/// <param name="Id">The dead letter's id.</param>
/// <param name="Attempts">Its attempts when marked.</param>
public sealed record MarkedDeadLetter(long Id, int Attempts);
