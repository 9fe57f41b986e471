using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// The outbox scenarios' fault: writer processes (business transactions plus the relay) killed with SIGKILL at random
/// moments — one kill in five during the start-up (taking the relay lease, the first relayed batch), the others once the
/// writer has committed a random number of changes around its share, plus a random 0–50 ms: inside a transaction,
/// between a commit and its relay, in the middle of a relayed batch, between the broker's acknowledgement and the delete.
/// </summary>
public sealed class OutboxWriterCrashes(OutboxDatabase database, Random random, ITestOutputHelper output)
{
    public int KilledWhileWriting { get; private set; }

    public int KilledWhileStarting { get; private set; }

    /// <summary>Committed entries not yet relayed, summed over the moments of the kills: work a crash left to the next relay.</summary>
    public long BacklogAtKills { get; private set; }

    public int Kills => KilledWhileWriting + KilledWhileStarting;

    /// <summary>The faults injected, for the figures.</summary>
    public string Faults(string what) => $"{Kills} × SIGKILL of {what} ({KilledWhileWriting} while writing, {KilledWhileStarting} while starting)";

    /// <summary>
    /// Kills <paramref name="kills"/> writers in turn, each started with <paramref name="startWriter"/> and given about
    /// <paramref name="share"/> changes before its kill; <paramref name="changes"/> is the run's total, never reached here.
    /// </summary>
    public async Task WriteAndKillAsync(int kills, int changes, int share, Func<Task<ChildProcess>> startWriter)
    {
        ArgumentNullException.ThrowIfNull(startWriter);
        for (var kill = 0; kill < kills; kill++)
        {
            using var writer = await startWriter();
            await KillAsync(writer, changes, share);
            output.WriteLine($"kill {kill + 1}: {await database.ChangeCountAsync()} changes committed, {await database.BacklogAsync()} not relayed");
        }
    }

    /// <summary>Kills <paramref name="writer"/> at a random moment, once it wrote about <paramref name="share"/> changes.</summary>
    public async Task KillAsync(ChildProcess writer, int changes, int share)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (random.Next(5) == 0)
        {
            await Task.Delay(random.Next(0, 2500)); // a kill at a random moment of the start-up
            KilledWhileStarting++;
        }
        else
        {
            var target = Math.Min(changes - 1, await database.ChangeCountAsync() + random.Next(share / 2, share * 3 / 2 + 1));
            await Eventually.TrueAsync(
                async () => writer.HasExited || await database.ChangeCountAsync() >= target,
                TimeSpan.FromSeconds(120),
                () => $"the writer commits changes up to {target}; its output:\n{writer.Output}");
            if (writer.HasExited)
            {
                await writer.WaitForExitAsync(TimeSpan.FromSeconds(10)); // and its output is read to the end
                Assert.Fail($"The writer exited by itself with {writer.ExitCode}:\n{writer.Output}");
            }

            await Task.Delay(random.Next(0, 50)); // anywhere in the transactions and relayed batches in flight
            KilledWhileWriting++;
        }

        await writer.KillHardAsync();
        BacklogAtKills += await database.BacklogAsync();
    }
}
