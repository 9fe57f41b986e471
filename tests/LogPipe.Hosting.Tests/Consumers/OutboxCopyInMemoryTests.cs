using System.Text;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Tests.Support;
using LogPipe.Hosting.TestSupport;
using LogPipe.Hosting.Transport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace LogPipe.Hosting.Tests.Consumers;

/// <summary>
/// Copies of outbox records on the in-memory transport: the in-memory store keeps identities in memory, and on a fake clock
/// the deduplication window of the EF Core store is exact to the day.
/// </summary>
public sealed class OutboxCopyInMemoryTests
{
    private static readonly Guid Source = Guid.Parse("6a0d8f4e-1c2b-4d3e-8f9a-0b1c2d3e4f50");

    private static TestApp App(bool entityFrameworkOffsets, TimeProvider? time = null) => TestApp.Create(
        lp => lp.AddConsumer("people", c => c.Register<PersonSerializerV1>()),
        time: time,
        entityFrameworkOffsets: entityFrameworkOffsets);

    private static void Append(TestApp app, Person person, OutboxIdentity? identity) => app.Broker.Append(
        "people",
        person.Uuid.ToString(),
        Encoding.UTF8.GetBytes($$$"""json:{"type":"person","version":1,"message":{"uuid":"{{{person.Uuid}}}","first_name":"{{{person.FirstName}}}","last_name":"{{{person.LastName}}}"}}"""),
        identity?.ToHeaders());

    private static async Task<int> AppliedAsync(TestApp app, Person person) => (await app.PeopleAsync()).Single(p => p.Uuid == person.Uuid).Applied;

    [Fact]
    public async Task The_in_memory_store_skips_copies_in_one_unit_and_in_later_units()
    {
        await using var app = App(entityFrameworkOffsets: false);
        var person = People.Joe(Guid.NewGuid());
        var identity = new OutboxIdentity(Source, 1);

        Append(app, person, identity);
        Append(app, person, identity);
        Assert.Equal(2, await app.Runner.DrainAsync());
        Append(app, person, identity);
        Append(app, person, null);
        Assert.Equal(2, await app.Runner.DrainAsync());

        // Three copies of one identity applied once, and the record without headers applied as well (the in-memory
        // store's effects are the serializer's own: its saves are counted).
        Assert.Equal(2, app.Probe.SaveCount<PersonSerializerV1>());
        Assert.Equal(2, app.Logs.Entries.Count(e => e.EventId.Id == LogEvents.OutboxCopySkipped));
    }

    [Fact]
    public async Task On_a_fake_clock_a_copy_within_the_window_is_skipped_and_one_after_it_is_applied_again()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero));
        await using var app = App(entityFrameworkOffsets: true, clock);
        var person = People.Joe(Guid.NewGuid());
        var identity = new OutboxIdentity(Source, 2);
        Append(app, person, identity);
        await app.Runner.DrainAsync();

        // Six days on (the default window is seven), the copy is still recognised.
        clock.Advance(TimeSpan.FromDays(6));
        Append(app, person, identity);
        await app.Runner.DrainAsync();
        Assert.Equal(1, await AppliedAsync(app, person));

        // Past the window, the next commit prunes the identity; a copy after that is applied again.
        clock.Advance(TimeSpan.FromDays(2));
        Append(app, People.Joe(Guid.NewGuid()), null);
        await app.Runner.DrainAsync();
        Assert.Empty(await app.QueryAsync(db => db.Set<LogPipeOutboxReceived>().AsNoTracking().ToListAsync()));
        Append(app, person, identity);
        await app.Runner.DrainAsync();
        Assert.Equal(2, await AppliedAsync(app, person));
    }
}
