using System.Text;
using LogPipe.Hosting.Formats;
using LogPipe.Sample.Data;
using LogPipe.Sample.Serializers;

namespace LogPipe.Hosting.Benchmarks.Apps;

/// <summary>
/// The records every phase moves: person <c>i</c> is the same in every phase and every run, so the raw baselines can send
/// exactly the bytes LogPipe sends (checked by the raw consumer against what the LogPipe producer wrote).
/// </summary>
public static class BenchmarkPeople
{
    /// <summary>The producer id written into every envelope (<c>LogPipe:ProducerId</c>).</summary>
    public const string ProducerId = "people-api";

    private static readonly EnvelopeWriter Writer = new(PayloadJson.CreateOptions());

    /// <summary>Person <paramref name="i"/>, as the sample's people service would publish it.</summary>
    public static Person Person(int i) => new()
    {
        Uuid = Uuid(i),
        FirstName = $"First{i}",
        LastName = $"Last{i}",
        Email = $"person{i}@example.com",
    };

    /// <summary>
    /// Makes <paramref name="person"/> person <paramref name="i"/>, in place. The producer phases reuse their models once a
    /// send has completed, as a caller streaming rows from a database would: a new <see cref="Sample.Data.Person"/> draws
    /// a random uuid (<c>Guid.NewGuid</c>, a system call), which profiling showed to be a quarter of the producer
    /// thread's time — the caller's cost, not LogPipe's, and the raw baseline gets its input ready before the clock too.
    /// </summary>
    public static Person Fill(Person person, int i)
    {
        ArgumentNullException.ThrowIfNull(person);
        person.Uuid = Uuid(i);
        person.FirstName = $"First{i}";
        person.LastName = $"Last{i}";
        person.Email = $"person{i}@example.com";
        return person;
    }

    /// <summary>Person <paramref name="i"/>'s uuid: the index in the first four bytes.</summary>
    public static Guid Uuid(int i) => new(i, 0x4c50, 0x4000, 0x80, 0, 0, 0, 0, 0, 0, 0x01);

    /// <summary>The index of the person a record key (the uuid text) belongs to.</summary>
    public static int IndexOf(ReadOnlySpan<byte> key) => Guid.TryParse(Encoding.UTF8.GetString(key), out var uuid)
        ? BitConverter.ToInt32(uuid.ToByteArray(), 0)
        : -1;

    /// <summary>The record key LogPipe writes for person <paramref name="i"/> (the <c>uuid</c> key field as UTF-8 text).</summary>
    public static byte[] Key(int i) => Encoding.UTF8.GetBytes(Uuid(i).ToString("D"));

    /// <summary>
    /// The record value LogPipe's <c>IProducer&lt;Person&gt;</c> writes for person <paramref name="i"/> through the sample's
    /// <see cref="PersonSerializerV2"/>: <c>json:</c> envelope of type <c>person</c>, version 2, with the producer id.
    /// </summary>
    public static byte[] Value(int i)
    {
        var p = Person(i);
        return Writer.Write(WireFormat.Json, "person", 2, new PersonMessageV2(p.Uuid, p.FirstName, p.LastName, p.Email), ProducerId);
    }
}
