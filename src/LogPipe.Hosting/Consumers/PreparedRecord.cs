using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.Consumers;

/// <summary>A record decoded and checked up to its serializer, before anything touches the database.</summary>
internal readonly record struct PreparedRecord(RecordOutcome? Error, Envelope Envelope, SerializerInvoker? Invoker, object? Message)
{
    public static PreparedRecord Failed(RecordOutcome error) => new(error, default, null, null);
}
