namespace LogPipe.Hosting.Consumers;

/// <summary>What applying one record outside the consumer service (a dead-letter replay, a tool) came to.</summary>
/// <param name="Applied">Whether the record was applied.</param>
/// <param name="ErrorKind">The message error, when not applied.</param>
/// <param name="Error">The error message, when not applied.</param>
/// <param name="MessageType">The message type, when the envelope could be read.</param>
/// <param name="Version">The message version, when the envelope could be read.</param>
public sealed record ApplyResult(bool Applied, MessageErrorKind? ErrorKind, string? Error, string? MessageType, int? Version);
