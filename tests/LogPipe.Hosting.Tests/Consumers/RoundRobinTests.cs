using System.Diagnostics;
using System.Text;
using LogPipe.Hosting.TestSupport;
using LogPipe.Hosting.Tests.Support;

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

        // An idle poll far longer than the test may take: if the idle topic were waited on, the busy one would stall.
        await using var app = App(db, new Dictionary<string, string?> { ["LogPipe:UnitOfWork:IdlePollMs"] = "600000", ["LogPipe:UnitOfWork:MaxRecords"] = "50" });
        using var stop = new CancellationTokenSource();
        var running = app.Runner.RunAsync(stop.Token);
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 500; i++) app.Broker.Append("people", null, Encoding.UTF8.GetBytes(Person(Guid.NewGuid())));
        await Eventually.TrueAsync(async () => (await app.PeopleAsync()).Count == 500, TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await running;
        Assert.Equal(0, app.Probe.SaveCount<PlaceSerializer>());
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60));
        TestApp.DeleteDatabase(db);
    }
}
