namespace LogPipe.Hosting.Dashboard.Reading;

/// <summary>An action on dead letters that did not happen: why, in the operations library's words, and where to go back to.</summary>
internal sealed record DeadLetterProblemModel(string Title, string Message, string Back);
