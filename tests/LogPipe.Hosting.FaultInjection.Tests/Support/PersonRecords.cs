using System.Text.Json;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>Reads which person a record on the log carries, whichever transport it came from.</summary>
public static class PersonRecords
{
    private static readonly EnvelopeReader Reader = new(EnvelopeLimits.Default);

    /// <summary>The uuid of the person in <paramref name="value"/>; <see langword="null"/> when it is not a person record.</summary>
    public static Guid? UuidOf(ReadOnlyMemory<byte> value)
    {
        try
        {
            var envelope = Reader.Read(value);
            if (envelope.Type != "person") return null;
            using var message = JsonDocument.Parse(envelope.MessageJson);
            return message.RootElement.GetProperty("uuid").GetGuid();
        }
        catch (InvalidMessageException)
        {
            // Not a person record; the scenario counts those itself.
            return null;
        }
    }

    /// <summary>
    /// The change an outbox scenario's writer sent in <paramref name="value"/> (<c>first_name</c> <c>v{version}</c>,
    /// <c>last_name</c> the change id; see <c>OutboxWriter.Record</c>); <see langword="null"/> when it carries none.
    /// </summary>
    public static LoggedChange? ChangeOf(ReadOnlyMemory<byte> value)
    {
        try
        {
            var envelope = Reader.Read(value);
            if (envelope.Type != "person") return null;
            using var message = JsonDocument.Parse(envelope.MessageJson);
            var root = message.RootElement;
            var firstName = root.GetProperty("first_name").GetString() ?? "";
            return firstName.StartsWith('v')
                && int.TryParse(firstName.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
                && Guid.TryParseExact(root.GetProperty("last_name").GetString(), "N", out var changeId)
                ? new LoggedChange(root.GetProperty("uuid").GetGuid(), version, changeId)
                : null;
        }
        catch (InvalidMessageException)
        {
            return null;
        }
    }

    /// <summary>Adds one occurrence of the person in <paramref name="value"/>, if it carries one, to <paramref name="counts"/>.</summary>
    public static void Count(Dictionary<Guid, int> counts, ReadOnlyMemory<byte> value)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (UuidOf(value) is { } uuid) counts[uuid] = counts.GetValueOrDefault(uuid) + 1;
    }
}
