using System.Globalization;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LogPipe.Hosting.Tests.Producers;

/// <summary>IProducer&lt;T&gt; is a singleton: hosted services and singletons send through it, with scopes validated as in Development.</summary>
public sealed class ProducerLifetimeTests
{
    [Fact]
    public async Task A_background_service_sends_through_the_producer_with_scopes_validated()
    {
        var sent = new TaskCompletionSource<RecordPosition>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = TestApp.Create(
            lp => lp.AddProducer<Person, PersonSerializerV1>("people"),
            entityFrameworkOffsets: false,
            services: s => s.AddSingleton(sent).AddHostedService<SendingWorker>());
        await app.Host.StartAsync();
        var position = await sent.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(app.Broker.TryGet("people", int.Parse(position.Partition, CultureInfo.InvariantCulture), position.Offset, out _));
        await app.Host.StopAsync();
    }

    [Fact]
    public async Task A_singleton_that_takes_the_producer_sends_from_many_threads_with_one_serializer_scope_per_send()
    {
        await using var app = TestApp.Create(
            lp => lp.AddProducer<Person, PersonSerializerV1>("people"),
            entityFrameworkOffsets: false,
            services: s => s.AddSingleton<PeopleNotifier>());
        var notifier = app.Services.GetRequiredService<PeopleNotifier>();
        var positions = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => notifier.People.SendAsync(People.Joe(Guid.NewGuid())))));
        Assert.Equal(20, positions.Select(p => (p.Partition, p.Offset)).Distinct().Count());
        Assert.Equal(20, app.Probe.ConstructedCount<PersonSerializerV1>());
    }

    [Fact]
    public async Task A_request_scope_and_a_singleton_get_the_same_producer()
    {
        await using var app = TestApp.Create(lp => lp.AddProducer<Person, PersonSerializerV1>("people"), entityFrameworkOffsets: false);
        await using var scope = app.Services.CreateAsyncScope();
        Assert.Same(app.Services.GetRequiredService<IProducer<Person>>(), scope.ServiceProvider.GetRequiredService<IProducer<Person>>());
        var position = await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendAsync(People.Joe());
        Assert.True(app.Broker.TryGet("people", int.Parse(position.Partition, CultureInfo.InvariantCulture), position.Offset, out _));
    }

    public sealed class SendingWorker(IProducer<Person> people, TaskCompletionSource<RecordPosition> sent) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken) =>
            sent.TrySetResult(await people.SendAsync(People.Joe(), stoppingToken));
    }

    public sealed class PeopleNotifier(IProducer<Person> people)
    {
        public IProducer<Person> People { get; } = people;
    }
}
