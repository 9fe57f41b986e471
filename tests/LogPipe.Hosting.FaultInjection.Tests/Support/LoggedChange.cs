namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>A person change as the outbox scenarios' writer put it on the log: whose, which version, which attempt.</summary>
public readonly record struct LoggedChange(Guid Uuid, int Version, Guid ChangeId);
