using System.Text;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.InMemory;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Tests.Consumers;

/// <summary>
/// Stores without a dead-letter table (Kafka group offsets without an application transaction, the in-memory store) keep
/// only the most recent dead letters, so a topic full of bad records cannot grow the process without end.
/// </summary>
public sealed class DeadLettersInMemoryTests
{
    [Fact]
    public async Task Only_the_most_recent_dead_letters_are_kept_in_memory_and_dropping_older_ones_is_logged()
    {
        await using var app = TestApp.Create(
            lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>()),
            new Dictionary<string, string?> { ["LogPipe:DeadLetters:MaxKeptInMemory"] = "3" },
            entityFrameworkOffsets: false);
        for (var i = 0; i < 10; i++) app.Broker.Append("people", null, Encoding.UTF8.GetBytes($"garbage {i}"));

        Assert.Equal(10, await app.Runner.DrainAsync());
        var kept = ((InMemoryCheckpointStore)app.Checkpoints).DeadLetters;
        Assert.Equal([7L, 8L, 9L], kept.Select(d => d.Offset));
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == LogEvents.DeadLettersDroppedFromMemory);
        Assert.Equal(10, app.Logs.Entries.Count(e => e.EventId.Id == LogEvents.MessageError));
        TestApp.DeleteDatabase(app.DatabasePath);
    }

    [Fact]
    public void Older_dead_letters_are_dropped_to_stay_within_the_byte_bound()
    {
        var recent = new RecentDeadLetters(maxCount: 100, maxBytes: 25);
        recent.AddRange([DeadLetter(0, 10), DeadLetter(1, 10)]);
        recent.AddRange([DeadLetter(2, 10)]);

        Assert.Equal([1L, 2L], recent.Snapshot().Select(d => d.Offset));
        Assert.Equal(1, recent.Dropped);
    }

    private static DeadLetter DeadLetter(long offset, int bytes) => new()
    {
        ConsumerGroup = "tests",
        Partition = new PartitionKey("memory", "people", "0"),
        Offset = offset,
        Value = new byte[bytes],
        ErrorKind = MessageErrorKind.Undecodable,
        Error = "bad",
    };
}
