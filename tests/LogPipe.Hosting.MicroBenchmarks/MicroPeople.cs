using LogPipe.Hosting.Formats;
using LogPipe.Sample.Serializers;

namespace LogPipe.Hosting.MicroBenchmarks;

/// <summary>The record the end-to-end benchmark sends (person 123456, version 2, producer id), in either format.</summary>
public static class MicroPeople
{
    /// <summary>The message.</summary>
    public static readonly PersonMessageV2 Message = new(
        new Guid(123_456, 0x4c50, 0x4000, 0x80, 0, 0, 0, 0, 0, 0, 0x01), "First123456", "Last123456", "person123456@example.com");

    /// <summary>The envelope writer with LogPipe's default payload options (snake_case).</summary>
    internal static readonly EnvelopeWriter Writer = new(PayloadJson.CreateOptions());

    /// <summary>The record value in <paramref name="format"/>.</summary>
    public static byte[] Value(string format) => Writer.Write(format, "person", 2, Message, "people-api");
}
