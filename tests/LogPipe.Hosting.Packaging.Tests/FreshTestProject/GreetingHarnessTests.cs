// A user's test project that knows LogPipe only through the packed packages: a service's serializer and database
// (SQLite, checkpoints in the same database), run on LogPipe.Hosting.Testing's harness.
using LogPipe.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Greetings.Tests;

public sealed class GreetingHarnessTests : IDisposable
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"greetings-{Guid.NewGuid():N}.db");

    public void Dispose() => File.Delete(_database);

    [Fact]
    public async Task A_sent_greeting_is_recorded_and_a_greeting_from_django_is_applied()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<GreetingsDb>(o => o.UseSqlite($"Data Source={_database};Pooling=false"));
        services.AddLogPipe(lp => lp
            .UseEntityFrameworkOffsets<GreetingsDb>()
            .AddProducer<GreetingMessage, GreetingSerializer>("greetings")
            .AddConsumer("greetings", c => c.Register<GreetingSerializer>()));
        services.AddLogPipeTestHarness();
        await using var provider = services.BuildServiceProvider();
        await using (var scope = provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<GreetingsDb>().Database.EnsureCreatedAsync();
        }

        var harness = provider.GetRequiredService<LogPipeTestHarness>();

        var fromDotnet = new GreetingMessage(Guid.NewGuid(), "hello from .NET");
        await provider.GetRequiredService<IProducer<GreetingMessage>>().SendAsync(fromDotnet);
        Assert.Equal([fromDotnet], harness.Sent<GreetingMessage>());

        var fromDjango = Guid.NewGuid();
        harness.Inject("greetings", "greeting", 1, $$"""{"uuid":"{{fromDjango}}","text":"hello from django"}""", "msgpack", producerId: "django-app");
        await harness.DrainAsync();

        Assert.Empty(harness.SkippedRecords);
        Assert.Equal(["hello from .NET", "hello from django"], harness.Applied<GreetingMessage>().Select(g => g.Text));
        await using (var scope = provider.CreateAsyncScope())
        {
            var saved = await scope.ServiceProvider.GetRequiredService<GreetingsDb>().Greetings.SingleAsync(g => g.Uuid == fromDjango);
            Assert.Equal("hello from django", saved.Text);
        }
    }
}

public sealed record GreetingMessage(Guid Uuid, string Text);

public sealed class Greeting
{
    public int Id { get; set; }

    public Guid Uuid { get; set; }

    public string Text { get; set; } = "";
}

public sealed class GreetingsDb(DbContextOptions<GreetingsDb> options) : DbContext(options)
{
    public DbSet<Greeting> Greetings => Set<Greeting>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyLogPipeConfiguration();
}

public sealed class GreetingSerializer(GreetingsDb db) : MessageSerializer<GreetingMessage>
{
    public override string MessageType => "greeting";

    public override int Version => 1;

    public override string? KeyField => "uuid";

    public override Task SaveAsync(GreetingMessage message, CancellationToken cancellationToken)
    {
        db.Greetings.Add(new Greeting { Uuid = message.Uuid, Text = message.Text });
        return Task.CompletedTask;
    }
}
