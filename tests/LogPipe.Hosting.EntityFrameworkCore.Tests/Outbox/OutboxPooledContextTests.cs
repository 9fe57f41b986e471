using System.Text;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.Outbox;

/// <summary>
/// The outbox with pooled contexts (<c>AddDbContextPool</c>, <c>AddPooledDbContextFactory</c>): one context instance serves
/// lease after lease, so what one lease sent and never saved must not be committed by the next, and what a lease saves
/// must be written.
/// </summary>
public sealed class OutboxPooledContextTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static TheoryData<string, string> Registrations => new()
    {
        { TemporaryDatabase.SqliteProvider, nameof(EntityFrameworkServiceCollectionExtensions.AddDbContextPool) },
        { TemporaryDatabase.SqliteProvider, nameof(EntityFrameworkServiceCollectionExtensions.AddPooledDbContextFactory) },
        { TemporaryDatabase.PostgresProvider, nameof(EntityFrameworkServiceCollectionExtensions.AddDbContextPool) },
        { TemporaryDatabase.PostgresProvider, nameof(EntityFrameworkServiceCollectionExtensions.AddPooledDbContextFactory) },
    };

    [Theory]
    [MemberData(nameof(Registrations))]
    public async Task A_pooled_context_commits_what_its_lease_saves_and_nothing_an_earlier_lease_sent_without_saving(string provider, string registration)
    {
        await using var harness = await OutboxHarness.CreateAsync(provider);
        // No relay here: it would lease contexts too, and the pool hands instances out in turn.
        var app = await harness.StartAppAsync(new Dictionary<string, string?> { ["LogPipe:Outbox:DisableRelay"] = "true" }, s => Pooled(s, registration));
        TestDb leased;

        await using (var scope = app.Services.CreateAsyncScope())
        {
            leased = scope.ServiceProvider.GetRequiredService<TestDb>();
            await scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(new Person { Uuid = Guid.NewGuid(), LastName = "never saved" });
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            Assert.Same(leased, db); // the pool handed out the same instance again: the case under test
            var saved = new Person { Uuid = Guid.NewGuid(), FirstName = "Saved", LastName = "saved" };
            db.People.Add(saved);
            await scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(saved);
            await db.SaveChangesAsync();
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            // A lease that only sends: the outbox still commits it, with the interceptors the pooled options carry.
            Assert.Same(leased, scope.ServiceProvider.GetRequiredService<TestDb>());
            await scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendAsync(new Person { Uuid = Guid.NewGuid(), LastName = "alone" });
            await scope.ServiceProvider.GetRequiredService<TestDb>().SaveChangesAsync();
        }

        Assert.Equal(["saved", "alone"], (await harness.OutboxAsync(app)).Select(LastName));

        // A relaying instance with pooled contexts too sends them.
        await harness.StartAppAsync(services: s => Pooled(s, registration));
        await Eventually.TrueAsync(async () => (await harness.OutboxAsync(app)).Count == 0, Patience, "the entries relayed and deleted");
        Assert.Equal(["saved", "alone"], harness.Log().Select(r => r.LastName));
    }

    /// <summary>Replaces the test app's scoped <see cref="TestDb"/> with pooled instances, keeping its provider settings.</summary>
    private static void Pooled(IServiceCollection services, string registration)
    {
        services.RemoveAll<TestDb>();
        services.RemoveAll<DbContextOptions<TestDb>>();
        services.RemoveAll<DbContextOptions>();

        // The test app's provider settings were registered for a scoped context; a pool builds its options from the root.
        var configurations = services.Where(d => d.ServiceType == typeof(IDbContextOptionsConfiguration<TestDb>)).ToList();
        foreach (var configuration in configurations)
        {
            services.Remove(configuration);
            services.Add(configuration.ImplementationFactory is { } factory
                ? new ServiceDescriptor(configuration.ServiceType, factory, ServiceLifetime.Singleton)
                : configuration.ImplementationInstance is { } instance
                    ? new ServiceDescriptor(configuration.ServiceType, instance)
                    : new ServiceDescriptor(configuration.ServiceType, configuration.ImplementationType!, ServiceLifetime.Singleton));
        }

        if (registration == nameof(EntityFrameworkServiceCollectionExtensions.AddDbContextPool))
        {
            services.AddDbContextPool<TestDb>(_ => { }, poolSize: 4);
        }
        else
        {
            // The way EF Core's documentation gives a request a context from a pooled factory.
            services.AddPooledDbContextFactory<TestDb>(_ => { }, poolSize: 4);
            services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<TestDb>>().CreateDbContext());
        }
    }

    private static string LastName(LogPipeOutboxEntry entry) =>
        System.Text.Json.JsonDocument.Parse(Encoding.UTF8.GetString(entry.Value)["json:".Length..]).RootElement.GetProperty("message").GetProperty("last_name").GetString()!;
}
