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
    public async Task A_singleton_that_takes_the_producer_sends_from_many_threads_and_the_serializer_is_built_once_not_per_send()
    {
        await using var app = TestApp.Create(
            lp => lp.AddProducer<Person, PersonSerializerV1>("people"),
            entityFrameworkOffsets: false,
            services: s => s.AddSingleton<PeopleNotifier>());
        var notifier = app.Services.GetRequiredService<PeopleNotifier>();
        var positions = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => notifier.People.SendAsync(People.Joe(Guid.NewGuid())))));
        positions = [.. positions, .. await notifier.People.SendBatchAsync([People.Joe(Guid.NewGuid()), People.Joe(Guid.NewGuid())])];
        Assert.Equal(22, positions.Select(p => (p.Partition, p.Offset)).Distinct().Count());

        // The serializer takes a DbContext for the receiving side; building one per send cost 20 KB and 13 µs.
        Assert.Equal(1, app.Probe.ConstructedCount<PersonSerializerV1>());
    }

    [Fact]
    public async Task The_scope_the_producer_built_its_serializer_in_is_disposed_with_the_app_and_a_later_send_is_refused()
    {
        var witness = new ScopeWitness();
        IProducer<Person> producer;
        await using (var app = TestApp.Create(
            lp => lp.AddProducer<Person, WitnessingSerializer>("people"),
            entityFrameworkOffsets: false,
            services: s => s.AddSingleton(witness).AddScoped<ScopedDependency>()))
        {
            producer = app.Services.GetRequiredService<IProducer<Person>>();
            await producer.SendAsync(People.Joe());
            await producer.SendAsync(People.Joe(Guid.NewGuid()));
            Assert.Equal(1, witness.Created);
            Assert.Equal(0, witness.Disposed);
        }

        Assert.Equal(1, witness.Disposed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => producer.SendAsync(People.Joe(Guid.NewGuid())));
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

    [Fact]
    public async Task A_serializer_that_cannot_be_built_fails_that_send_and_the_next_send_builds_it_again()
    {
        var witness = new ScopeWitness { FailNext = 1 };
        await using var app = TestApp.Create(
            lp => lp.AddProducer<Person, WitnessingSerializer>("people"),
            entityFrameworkOffsets: false,
            services: s => s.AddSingleton(witness).AddScoped<ScopedDependency>());
        var producer = app.Services.GetRequiredService<IProducer<Person>>();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => producer.SendAsync(People.Joe()));
        Assert.Equal("the dependency is not available yet", failure.Message);
        Assert.Equal(1, witness.Disposed);

        var position = await producer.SendAsync(People.Joe(Guid.NewGuid()));
        Assert.True(app.Broker.TryGet("people", int.Parse(position.Partition, CultureInfo.InvariantCulture), position.Offset, out _));
        Assert.Equal(2, witness.Created);
    }

    public sealed class ScopeWitness
    {
        public int Created;
        public int Disposed;
        public int FailNext;
    }

    /// <summary>A scoped service a serializer takes, as a DbContext would be: counts how often it is built and disposed.</summary>
    public sealed class ScopedDependency : IDisposable
    {
        private readonly ScopeWitness _witness;

        public ScopedDependency(ScopeWitness witness)
        {
            _witness = witness;
            Interlocked.Increment(ref witness.Created);
        }

        /// <summary>Called by the serializer's constructor: throws while the witness says so, as a missing setting would.</summary>
        public void Check()
        {
            if (Interlocked.Decrement(ref _witness.FailNext) >= 0) throw new InvalidOperationException("the dependency is not available yet");
        }

        public void Dispose() => Interlocked.Increment(ref _witness.Disposed);
    }

    public sealed class WitnessingSerializer : ModelSerializer<Person, PersonV1>
    {
        public WitnessingSerializer(ScopedDependency dependency)
        {
            dependency.Check();
            Dependency = dependency;
        }

        public override string MessageType => "person";

        public override int Version => 1;

        public ScopedDependency Dependency { get; }

        public override PersonV1 ToMessage(Person model) => new(model.Uuid, model.FirstName, model.LastName);

        public override Task SaveAsync(PersonV1 message, Person? instance, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public sealed class PeopleNotifier(IProducer<Person> people)
    {
        public IProducer<Person> People { get; } = people;
    }
}
