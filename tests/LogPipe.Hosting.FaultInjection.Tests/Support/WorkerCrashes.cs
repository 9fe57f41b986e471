using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// The crash scenarios' fault, whatever the transport: people arrive in <c>kills + 1</c> batches, one before each start of
/// the consumer worker, so that every worker has a backlog to be killed in; each worker is killed with SIGKILL — one kill
/// in five at a random moment up to 2.5 s after start (reading checkpoints, joining the group, listing shards), the others
/// a random 0–3 s after it applied its first records (inside units of work, between them, during commits). The last batch
/// is sent after the last kill.
/// </summary>
public sealed class WorkerCrashes(ScenarioDatabase database, Random random, ITestOutputHelper output)
{
    public int KilledWhileApplying { get; private set; }

    public int KilledWhileStarting { get; private set; }

    public int Kills => KilledWhileApplying + KilledWhileStarting;

    /// <summary>The faults injected, for the figures: <c>5 × SIGKILL (4 while applying, 1 while starting)</c>.</summary>
    public string Faults => $"{Kills} × SIGKILL ({KilledWhileApplying} while applying, {KilledWhileStarting} while starting)";

    /// <summary>
    /// Sends <paramref name="people"/> with <paramref name="sender"/> in batches, starting a worker with
    /// <paramref name="startWorker"/> after each batch but the last and killing it, <paramref name="kills"/> times; every
    /// send is delivered before this returns.
    /// </summary>
    public async Task SendAndKillAsync(List<Person> people, int kills, PeopleSender sender, Func<Task<ChildProcess>> startWorker)
    {
        ArgumentNullException.ThrowIfNull(people);
        ArgumentNullException.ThrowIfNull(sender);
        await SendAndKillAsync(people, kills, (batch, first) => sender.SendAsync(batch, first), startWorker);
        Assert.Equal(people.Count, sender.Delivered);
    }

    /// <summary>
    /// As above, with the sending up to the scenario: <paramref name="send"/> gets each batch and the index of its first
    /// person in <paramref name="people"/>, and returns once the batch is delivered (with whatever it adds, such as poison
    /// records).
    /// </summary>
    public async Task SendAndKillAsync(List<Person> people, int kills, Func<IReadOnlyList<Person>, int, Task> send, Func<Task<ChildProcess>> startWorker)
    {
        ArgumentNullException.ThrowIfNull(people);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(startWorker);
        var batches = people.Chunk((people.Count + kills) / (kills + 1)).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var kill = 0; kill < kills; kill++)
        {
            var began = clock.Elapsed;
            await send(batches.ElementAtOrDefault(kill) ?? [], kill * batches[0].Length);
            var sent = clock.Elapsed;
            using var worker = await startWorker();
            var started = clock.Elapsed;
            await KillAsync(worker);
            output.WriteLine($"kill {kill + 1}: {await database.PeopleCountAsync()} people stored; sent in {(sent - began).TotalSeconds:0.0} s, started in {(started - sent).TotalSeconds:0.0} s, killed {(clock.Elapsed - started).TotalSeconds:0.0} s later");
        }

        foreach (var batch in batches.Skip(kills)) await send(batch, people.IndexOf(batch[0]));
    }

    private async Task KillAsync(ChildProcess worker)
    {
        if (random.Next(5) == 0)
        {
            await Task.Delay(random.Next(0, 2500)); // a kill at a random moment of the start-up
            KilledWhileStarting++;
        }
        else
        {
            var before = await database.PeopleCountAsync();
            await Eventually.TrueAsync(async () => worker.HasExited || await database.PeopleCountAsync() > before, TimeSpan.FromSeconds(60), "the worker applies records");
            Assert.False(worker.HasExited, "the worker exited by itself: " + worker.StandardError);
            await Task.Delay(random.Next(0, 3000)); // spans several units of work (up to 1 s each)
            KilledWhileApplying++;
        }

        await worker.KillHardAsync();
    }
}
