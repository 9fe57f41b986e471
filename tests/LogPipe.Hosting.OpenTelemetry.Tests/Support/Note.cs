namespace LogPipe.Hosting.OpenTelemetry.Tests.Support;

/// <summary>A message with no model behind it, for tests that look at what the serializer saw.</summary>
public sealed record Note(string Text);
