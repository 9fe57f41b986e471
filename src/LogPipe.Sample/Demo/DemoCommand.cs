using System.Diagnostics;
using System.Globalization;
using LogPipe.Hosting;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Sample.Data;
using Microsoft.EntityFrameworkCore;
using Serilog;

namespace LogPipe.Sample.Demo;

/// <summary>
/// <c>demo --count N</c>: starts the sample on its configuration (by default the embedded development broker and a fresh
/// SQLite file), saves N people — a mix of version 1 and version 2 — and sends each through the transactional outbox
/// (<see cref="IOutboxProducer{TModel}"/>) in the transaction that saves it, shows progress while the relay publishes them
/// and the consumer replicates them, and checks that every person arrived exactly once and that the outbox is empty. With
/// <c>--no-outbox</c> it sends them directly (<see cref="IProducer{TModel}"/>) instead and checks that the stored
/// checkpoints reached the end of the log, which the direct sends' positions tell. Exit code 0 only then.
/// </summary>
/// <remarks>
/// The demo judges only its own run: the topic or stream may already hold records of earlier runs (a second run against
/// the same kinesalite or an external Kafka broker, read from the start into this run's fresh database). Those are
/// applied too, as any consumer would, but the counts are of replicas of the people this run saved (joined on their
/// uuid), and the earlier ones are reported apart.
/// </remarks>
public static class DemoCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = 10_000;
        var outbox = true;
        var timeout = TimeSpan.FromMinutes(5);
        var configuration = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                // Configuration overrides, e.g. --LogPipe:DefaultFormat msgpack or --LogPipe:DefaultFormat=msgpack.
                case var key when key.StartsWith("--", StringComparison.Ordinal) && key.Contains(':', StringComparison.Ordinal):
                    configuration.Add(key);
                    if (!key.Contains('=', StringComparison.Ordinal) && i + 1 < args.Length) configuration.Add(args[++i]);
                    break;
                case "--no-outbox":
                    outbox = false;
                    break;
                case "--count" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0:
                    count = n;
                    i++;
                    break;
                case "--timeout" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var s) && s > 0:
                    timeout = TimeSpan.FromSeconds(s);
                    i++;
                    break;
                default:
                    await Console.Error.WriteLineAsync($"Unknown or incomplete option '{args[i]}'. Usage: demo [--count N] [--timeout SECONDS] [--no-outbox] [--Section:Key value ...]");
                    return 2;
            }
        }

        var database = Path.Combine(Path.GetTempPath(), $"logpipe-demo-{Guid.NewGuid():N}.db");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sample"] = $"Data Source={database}",
            ["Serilog:MinimumLevel:Override:LogPipe.Hosting"] = "Warning",
        });
        builder.Configuration.AddEnvironmentVariables().AddCommandLine([.. configuration]);
        builder.Services.AddSerilog((services, logger) => logger.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services));
        builder.Services.AddSample(builder.Configuration);

        using var host = builder.Build();
        try
        {
            await using (var scope = host.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<SampleDbContext>().Database.EnsureCreatedAsync();
            }

            await KinesisStreams.EnsureLocalStreamAsync(host.Services, builder.Configuration, SampleServices.PeopleTopic);
            await host.StartAsync();
            return await RunDemoAsync(host.Services, count, timeout, outbox);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(database);
        }
    }

    private static async Task<int> RunDemoAsync(IServiceProvider services, int count, TimeSpan timeout, bool outbox)
    {
        Console.WriteLine(outbox
            ? $"Saving {count} people (every third as version 1) and sending them through the outbox to '{SampleServices.PeopleTopic}'..."
            : $"Sending {count} people (every third as version 1) directly to '{SampleServices.PeopleTopic}' (--no-outbox)...");
        var stopwatch = Stopwatch.StartNew();
        var logEnd = new LogEnd();
        var people = Enumerable.Range(0, count)
            .Select(i => new Person { FirstName = $"First{i}", LastName = $"Last{i}", Email = $"person{i}@example.com" })
            .ToList();
        foreach (var chunk in people.Chunk(2000))
        {
            await using var scope = services.CreateAsyncScope();
            if (outbox)
            {
                // One transaction per chunk: the people and their outbox entries commit together.
                var db = scope.ServiceProvider.GetRequiredService<SampleDbContext>();
                db.People.AddRange(chunk);
                await scope.ServiceProvider.GetRequiredKeyedService<IOutboxProducer<Person>>("v1").SendBatchAsync(chunk.Where((_, i) => i % 3 == 0));
                await scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>().SendBatchAsync(chunk.Where((_, i) => i % 3 != 0));
                await db.SaveChangesAsync();
            }
            else
            {
                // Saved too (without the outbox), so that this run's people are known when its replicas are counted.
                var db = scope.ServiceProvider.GetRequiredService<SampleDbContext>();
                db.People.AddRange(chunk);
                await db.SaveChangesAsync();
                var positions = new List<RecordPosition>();
                positions.AddRange(await scope.ServiceProvider.GetRequiredKeyedService<IProducer<Person>>("v1").SendBatchAsync(chunk.Where((_, i) => i % 3 == 0)));
                positions.AddRange(await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendBatchAsync(chunk.Where((_, i) => i % 3 != 0)));
                foreach (var p in positions) logEnd.Add(p);
            }
        }

        Console.WriteLine(outbox
            ? $"Committed {count} people with their outbox entries in {stopwatch.Elapsed.TotalSeconds:F1} s; relaying and replicating..."
            : $"Sent {count} people in {stopwatch.Elapsed.TotalSeconds:F1} s; replicating...");
        var deadline = DateTime.UtcNow + timeout;
        var replicated = 0;
        var lastPrinted = -1;
        while (DateTime.UtcNow < deadline)
        {
            replicated = await QueryAsync(services, db => OfThisRun(db).CountAsync());
            if (replicated != lastPrinted)
            {
                Console.WriteLine($"  replicated {replicated}/{count}");
                lastPrinted = replicated;
            }

            if (replicated >= count && (outbox ? await OutboxEmptyAsync(services) : await CheckpointsReachAsync(services, logEnd))) break;
            await Task.Delay(250);
        }

        stopwatch.Stop();
        var appliedTwice = await QueryAsync(services, db => OfThisRun(db).CountAsync(r => r.AppliedCount != 1));
        var versionOne = await QueryAsync(services, db => OfThisRun(db).CountAsync(r => r.Version == 1));
        var earlier = await QueryAsync(services, db => db.Replicas.CountAsync()) - replicated;
        var seconds = stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine($"replicated {replicated}/{count} people in {seconds:F1} s ({replicated / seconds:F0} records/s)");
        if (earlier > 0) Console.WriteLine($"  (also applied {earlier} people of earlier runs that were already in '{SampleServices.PeopleTopic}'; not counted)");
        if (outbox)
        {
            var stats = await services.GetRequiredService<OutboxInspector<SampleDbContext>>().StatsAsync();
            var drained = stats.Backlog == 0 && stats.SetAside == 0;
            var relayed = replicated == count && appliedTwice == 0 && drained;
            Console.WriteLine(relayed
                ? $"OK: each person applied exactly once ({versionOne} as version 1, {count - versionOne} as version 2); every change went through the outbox, which is empty."
                : $"FAILED: {count - replicated} missing, {appliedTwice} applied more than once, outbox backlog {stats.Backlog}, set aside {stats.SetAside}.");
            return relayed ? 0 : 1;
        }

        var atLogEnd = await CheckpointsReachAsync(services, logEnd);
        var ok = replicated == count && appliedTwice == 0 && atLogEnd;
        Console.WriteLine(ok
            ? $"OK: each person applied exactly once ({versionOne} as version 1, {count - versionOne} as version 2); stored offsets equal the log end of {logEnd.Partitions} partitions."
            : $"FAILED: {count - replicated} missing, {appliedTwice} applied more than once, offsets at log end: {atLogEnd}.");
        return ok ? 0 : 1;
    }

    /// <summary>Replicas of the people this run saved: the topic may also carry earlier runs' people.</summary>
    private static IQueryable<PersonReplica> OfThisRun(SampleDbContext db) =>
        db.Replicas.Where(r => db.People.Any(p => p.Uuid == r.Uuid));

    private static async Task<bool> OutboxEmptyAsync(IServiceProvider services) =>
        (await services.GetRequiredService<OutboxInspector<SampleDbContext>>().StatsAsync()).Backlog == 0;

    private static async Task<bool> CheckpointsReachAsync(IServiceProvider services, LogEnd logEnd)
    {
        var stored = await QueryAsync(services, db => db.Set<LogPipeCheckpoint>().AsNoTracking()
            .Where(c => c.Stream == SampleServices.PeopleTopic)
            .ToListAsync());
        return logEnd.IsReachedBy(stored);
    }

    private static async Task<T> QueryAsync<T>(IServiceProvider services, Func<SampleDbContext, Task<T>> query)
    {
        await using var scope = services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<SampleDbContext>());
    }
}
