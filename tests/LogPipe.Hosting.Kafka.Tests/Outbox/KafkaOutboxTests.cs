using System.Diagnostics;
using System.Text;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Kafka.Tests.Embedded;
using LogPipe.Hosting.Kafka.Tests.Transport;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Kafka.Tests.Outbox;

/// <summary>The outbox relaying to Kafka (the embedded broker): commit order per key, identity headers, set-aside, outages.</summary>
public sealed class KafkaOutboxTests : IAsyncLifetime
{
    private readonly KafkaTestCluster _cluster = KafkaTestCluster.Start(1);
    private readonly TemporaryDatabase _database = TemporaryDatabase.Sqlite();
    private readonly List<KafkaApp> _apps = [];
    private string _topic = "";

    public Task InitializeAsync()
    {
        _topic = _cluster.CreateTopic(3, "people");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
        _database.Dispose();
        await _cluster.DisposeAsync();
    }

    private async Task<KafkaApp> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["LogPipe:EnableConsumers"] = "false",
            ["LogPipe:Outbox:PollIntervalMs"] = "100",
            ["LogPipe:Outbox:InitialBackoffMs"] = "50",
            ["LogPipe:Outbox:MaxBackoffMs"] = "500",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        var app = KafkaApp.Create(_cluster.BootstrapServers, _topic, KafkaTestCluster.NewName("group"), _database, all, outbox: true);
        _apps.Add(app);
        await app.EnsureDatabaseAsync();
        await app.StartAsync();
        return app;
    }

    private static Task SaveAsync(KafkaApp app, params Person[] people) => OutboxWrites.SaveAsync(app.Services, people);

    private static string Header(Confluent.Kafka.ConsumeResult<string, string> record, string name) =>
        Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));

    [Fact]
    public async Task A_change_written_in_a_request_reaches_Kafka_with_the_requests_trace_context_and_baggage_in_its_headers()
    {
        using var spans = new SpanListener();
        var stopped = spans.Stopped;
        var app = await StartAsync();
        ActivityTraceId trace;
        using (var request = new Activity("PUT /people").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            trace = request.TraceId;
            request.AddBaggage("tenant", "acme");
            await SaveAsync(app, new Person { Uuid = Guid.NewGuid(), FirstName = "P", LastName = "traced" });
        }

        using var consumer = TopicConsumer.Start(_cluster.BootstrapServers, _topic);
        var record = Assert.Single(await consumer.WaitForAsync(1, KafkaTestCluster.Patience));
        Assert.Contains(trace.ToHexString(), Header(record, "traceparent"), StringComparison.Ordinal);
        Assert.Equal("tenant=acme", Header(record, "baggage").Replace(" ", "", StringComparison.Ordinal));

        // The relay's send span is its own (it runs after the request ended) and links to the writer's trace.
        await Eventually.TrueAsync(() => stopped.Any(a => a.Links.Any(l => l.Context.TraceId == trace)), KafkaTestCluster.Patience, "the relay's send span");
        var send = stopped.Single(a => a.Links.Any(l => l.Context.TraceId == trace));
        Assert.Equal($"send {_topic}", send.DisplayName);
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal("kafka", send.GetTagItem("messaging.system"));
        Assert.Equal(_topic, send.GetTagItem("messaging.destination.name"));
    }

    [Fact]
    public async Task Committed_changes_reach_Kafka_in_commit_order_per_key_with_the_outbox_identity_headers()
    {
        var app = await StartAsync();
        var keys = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        for (var version = 0; version < 10; version++)
        {
            await SaveAsync(app, [.. keys.Select(k => new Person { Uuid = k, FirstName = "P", LastName = $"v{version}" })]);
        }

        using var consumer = TopicConsumer.Start(_cluster.BootstrapServers, _topic);
        var records = await consumer.WaitForAsync(40, KafkaTestCluster.Patience);
        Assert.Equal(40, records.Count);
        var source = await app.QueryAsync(db => db.Set<LogPipeOutboxLease>().Select(l => l.SourceId).SingleAsync());
        Assert.All(records, r => Assert.Equal(source, Header(r, "logpipe-outbox-source")));
        Assert.Equal(40, records.Select(r => Header(r, "logpipe-outbox-sequence")).Distinct().Count());
        foreach (var key in keys)
        {
            var ofKey = records.Where(r => r.Message.Key == key.ToString("D")).ToList();
            Assert.Single(ofKey.Select(r => r.Partition.Value).Distinct());
            Assert.Equal(Enumerable.Range(0, 10).Select(v => $"\"last_name\":\"v{v}\""), ofKey.Select(r => r.Message.Value[r.Message.Value.IndexOf("\"last_name\"", StringComparison.Ordinal)..].Split(',')[0].TrimEnd('}')));
            Assert.StartsWith("json:{\"type\":\"person\",\"version\":2,\"message\":{", ofKey[0].Message.Value, StringComparison.Ordinal);
        }

        await Eventually.TrueAsync(() => app.QueryAsync(db => db.Set<LogPipeOutboxEntry>().AnyAsync()).ContinueWith(t => !t.Result, TaskScheduler.Default), KafkaTestCluster.Patience, "relayed entries deleted");
    }

    [Fact]
    public async Task An_entry_larger_than_Kafka_accepts_is_set_aside_while_the_others_are_relayed()
    {
        var app = await StartAsync(new Dictionary<string, string?> { ["LogPipe:Kafka:Producer:message.max.bytes"] = "2000" });
        var huge = new Person { Uuid = Guid.NewGuid(), FirstName = "Huge", LastName = new string('x', 5000) };
        await SaveAsync(app, new Person { Uuid = Guid.NewGuid(), FirstName = "A", LastName = "before" }, huge, new Person { Uuid = Guid.NewGuid(), FirstName = "B", LastName = "after" });

        using var consumer = TopicConsumer.Start(_cluster.BootstrapServers, _topic);
        var records = await consumer.WaitForAsync(2, KafkaTestCluster.Patience);
        Assert.Equal(2, records.Count);
        await Eventually.TrueAsync(
            () => app.QueryAsync(db => db.Set<LogPipeOutboxEntry>().AsNoTracking().ToListAsync()).ContinueWith(t => t.Result is [{ SetAsideAt: not null }], TaskScheduler.Default),
            KafkaTestCluster.Patience,
            "only the oversized entry is left, set aside");
        var aside = await app.QueryAsync(db => db.Set<LogPipeOutboxEntry>().AsNoTracking().SingleAsync());
        Assert.Equal(huge.Uuid.ToString("D"), aside.Key);
        Assert.Contains("MsgSizeTooLarge", aside.LastError, StringComparison.Ordinal);
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == 5004);
    }

    [Fact]
    public async Task While_the_broker_is_down_commits_go_on_and_the_backlog_reaches_Kafka_after()
    {
        var app = await StartAsync(new Dictionary<string, string?> { ["LogPipe:Kafka:Producer:message.timeout.ms"] = "1000" });
        await SaveAsync(app, People.Joe());
        using var consumer = TopicConsumer.Start(_cluster.BootstrapServers, _topic);
        await consumer.WaitForAsync(1, KafkaTestCluster.Patience);

        _cluster.Cluster.SetBrokerDown(1);
        var people = People.Many(20);
        foreach (var person in people) await SaveAsync(app, person);
        Assert.Equal(21, (await app.PeopleAsync()).Count);
        await Eventually.TrueAsync(() => app.Logs.Entries.Any(e => e.EventId.Id == 5003), KafkaTestCluster.Patience, "the relay saw the outage");

        _cluster.Cluster.SetBrokerUp(1);
        var records = await consumer.WaitForAsync(21, TimeSpan.FromSeconds(60));
        Assert.Equal(people.Select(p => p.Uuid.ToString("D")).ToHashSet(), records.Skip(1).Select(r => r.Message.Key).ToHashSet());
    }
}
