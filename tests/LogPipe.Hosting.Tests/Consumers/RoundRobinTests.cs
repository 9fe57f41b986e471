using System.Globalization;
using System.Text;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Tests.Consumers;

public sealed class RoundRobinTests
{
    private static string Person(Guid uuid) =>
        $$$"""json:{"type":"person","version":1,"message":{"uuid":"{{{uuid}}}","first_name":"A","last_name":"B"}}""";

    private static string Place(Guid uuid) => $$$"""json:{"type":"place","version":1,"message":{"uuid":"{{{uuid}}}","name":"Home"}}""";

    private static TestApp App(string db, IDictionary<string, string?>? settings = null) => TestApp.Create(
        lp => lp
            .AddConsumer("people", c => c.Register<PersonSerializerV1>())
            .AddConsumer("places", c => c.Register<PlaceSerializer>()),
        settings,
        db);

    [Fact]
    public async Task Two_consumers_in_the_round_robin_apply_five_records_exactly_five_times()
    {
        var db = TestApp.NewDatabasePath();
        await using var app = App(db);
        for (var i = 0; i < 3; i++) app.Broker.Append("people", null, Encoding.UTF8.GetBytes(Person(Guid.NewGuid())));
        for (var i = 0; i < 2; i++) app.Broker.Append("places", null, Encoding.UTF8.GetBytes(Place(Guid.NewGuid())));
        Assert.Equal(5, await app.Runner.DrainAsync());
        Assert.Equal(0, await app.Runner.DrainAsync());
        Assert.Equal(3, (await app.PeopleAsync()).Count);
        Assert.Equal(3, app.Probe.SaveCount<PersonSerializerV1>());
        Assert.Equal(2, app.Probe.SaveCount<PlaceSerializer>());
        TestApp.DeleteDatabase(db);
    }

    [Fact]
    public async Task Round_robin_is_fair_by_records_between_two_busy_consumers()
    {
        var db = TestApp.NewDatabasePath();
        await using var app = App(db, new Dictionary<string, string?> { ["LogPipe:UnitOfWork:MaxRecords"] = "10" });
        for (var i = 0; i < 100; i++) app.Broker.Append("people", null, Encoding.UTF8.GetBytes(Person(Guid.NewGuid())));
        for (var i = 0; i < 100; i++) app.Broker.Append("places", null, Encoding.UTF8.GetBytes(Place(Guid.NewGuid())));

        // One unit of ten records takes five from each topic, not ten from the first.
        Assert.Equal(10, await app.Runner.RunOnceAsync());
        Assert.Equal(5, app.Probe.SaveCount<PersonSerializerV1>());
        Assert.Equal(5, app.Probe.SaveCount<PlaceSerializer>());
        TestApp.DeleteDatabase(db);
    }

    [Fact]
    public async Task An_idle_consumer_does_not_delay_a_busy_one()
    {
        var db = TestApp.NewDatabasePath();

        // The idle poll is ten times the time the test allows: a loop that waited it out on the idle topic even once fails here.
        var idlePoll = TimeSpan.FromMinutes(10);
        await using var app = App(db, new Dictionary<string, string?>
        {
            ["LogPipe:UnitOfWork:IdlePollMs"] = $"{idlePoll.TotalMilliseconds}",
            ["LogPipe:UnitOfWork:MaxRecords"] = "50",
        });
        using var stop = new CancellationTokenSource();
        var running = app.Runner.RunAsync(stop.Token);
        for (var i = 0; i < 500; i++) app.Broker.Append("people", null, Encoding.UTF8.GetBytes(Person(Guid.NewGuid())));

        // The runner's own account: the records of each unit it committed.
        List<int> Units() => [.. app.Logs.Entries.Where(e => e.EventId.Id == LogEvents.UnitCommitted).Select(e => Convert.ToInt32(e.State["RecordCount"], CultureInfo.InvariantCulture))];
        await Eventually.TrueAsync(() => Units().Sum() == 500, idlePoll / 10, "the busy topic's records are committed without waiting out the idle topic's poll");
        await stop.CancelAsync();
        await running;

        // At least ten units of at most 50 records: the loop went round ten times with the idle consumer in it, never blocked by it.
        Assert.All(Units(), records => Assert.InRange(records, 1, 50));
        Assert.Equal(500, (await app.PeopleAsync()).Count);
        Assert.Equal(0, app.Probe.SaveCount<PlaceSerializer>());
        TestApp.DeleteDatabase(db);
    }
}
