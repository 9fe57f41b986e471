using LogPipe.Hosting.FaultInjection.Worker;
using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// A fixed number of consumer worker processes on one Kinesis stream and one database, sharing its shards through
/// leases: any of them can be killed (SIGKILL) or stopped (SIGTERM) and started again. Every process journals the
/// records it hands to units (<see cref="HandedRecordsJournal"/>) in a directory of its own, for
/// <see cref="DuplicatedWork"/>. A restart, or a leave and the join after it, goes on in the background while the run
/// goes on (as a restarted pod would); the next fault in that slot, and <see cref="StopAllAsync"/>, wait for it.
/// </summary>
public sealed class KinesisInstances : IDisposable
{
    private readonly Uri _endpoint;
    private readonly string _stream;
    private readonly string _group;
    private readonly WorkerDatabase _database;
    private readonly string[] _settings;
    private readonly ChildProcess?[] _workers;
    private readonly string[] _names;
    private readonly Task[] _changing;
    private readonly HashSet<string> _killed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _left = new(StringComparer.Ordinal);
    private int _started;

    /// <param name="settings">LogPipe settings over the worker's defaults (<c>KEY=VALUE</c>).</param>
    public KinesisInstances(int count, Uri endpoint, string stream, string group, WorkerDatabase database, params IEnumerable<string> settings)
    {
        _endpoint = endpoint;
        _stream = stream;
        _group = group;
        _database = database;
        _settings = [.. settings];
        _workers = new ChildProcess?[count];
        _names = new string[count];
        _changing = [.. Enumerable.Repeat(Task.CompletedTask, count)];
        JournalDirectory = Directory.CreateTempSubdirectory("logpipe-journals-").FullName;
    }

    /// <summary>Where the journals are, one <c>&lt;instance&gt;.journal</c> per process started.</summary>
    public string JournalDirectory { get; }

    /// <summary>The instances (journal names) that were killed.</summary>
    public IReadOnlySet<string> Killed => _killed;

    /// <summary>The instances (journal names) that were stopped with SIGTERM.</summary>
    public IReadOnlySet<string> Left => _left;

    public int Count => _workers.Length;

    public int Kills { get; private set; }

    public int Leaves { get; private set; }

    /// <summary>Starts every instance not running.</summary>
    public Task StartAllAsync() => Task.WhenAll(Enumerable.Range(0, _workers.Length).Where(slot => _workers[slot] is null).Select(StartAsync));

    /// <summary>Kills the instance in <paramref name="slot"/> with SIGKILL and starts a new one there in the background.</summary>
    public async Task KillAndRestartAsync(int slot)
    {
        await _changing[slot];
        var worker = _workers[slot] ?? throw new InvalidOperationException($"No instance runs in slot {slot}.");
        Assert.False(worker.HasExited, $"instance {_names[slot]} exited by itself: {worker.StandardError}");
        await worker.KillHardAsync();
        await KeepLogAsync(slot, worker);
        worker.Dispose();
        _workers[slot] = null;
        _killed.Add(_names[slot]);
        Kills++;
        _changing[slot] = StartAsync(slot);
    }

    /// <summary>
    /// In the background: stops the instance in <paramref name="slot"/> with SIGTERM (it must stop cleanly: finish its
    /// unit, release its leases), waits <paramref name="gap"/> and starts a new one there.
    /// </summary>
    public async Task LeaveAndJoinAsync(int slot, TimeSpan gap)
    {
        await _changing[slot];
        Leaves++;
        _changing[slot] = LeaveThenJoinAsync(slot, gap);
    }

    /// <summary>Waits for the restarts and joins under way, then stops every instance with SIGTERM; each must stop cleanly.</summary>
    public async Task StopAllAsync()
    {
        await Task.WhenAll(_changing);
        await Task.WhenAll(Enumerable.Range(0, _workers.Length).Where(slot => _workers[slot] is not null).Select(StopAsync));
    }

    public void Dispose()
    {
        foreach (var worker in _workers) worker?.Dispose();
        Directory.Delete(JournalDirectory, recursive: true);
    }

    private async Task LeaveThenJoinAsync(int slot, TimeSpan gap)
    {
        await StopAsync(slot);
        await Task.Delay(gap); // a spell with one instance fewer
        await StartAsync(slot);
    }

    private async Task StartAsync(int slot)
    {
        var name = $"instance-{slot}-{++_started}";
        _names[slot] = name;
        string[] options = ["--journal", Path.Combine(JournalDirectory, name + ".journal")];
        if (_settings.Length > 0) options = [.. options, "--set", string.Join(';', _settings)];
        _workers[slot] = await WorkerProcess.StartKinesisAsync(_endpoint, _stream, _group, _database, options);
    }

    /// <summary>Keeps what the worker logged beside its journal (<c>&lt;instance&gt;.log</c>), for <see cref="LeaseMoves"/>.</summary>
    private Task KeepLogAsync(int slot, ChildProcess worker) =>
        File.WriteAllTextAsync(Path.Combine(JournalDirectory, _names[slot] + ".log"), worker.StandardError);

    private async Task StopAsync(int slot)
    {
        var worker = _workers[slot] ?? throw new InvalidOperationException($"No instance runs in slot {slot}.");
        var stop = await WorkerProcess.TerminateAsync(worker, TimeSpan.FromSeconds(45));
        await KeepLogAsync(slot, worker);
        worker.Dispose();
        _workers[slot] = null;
        lock (_left) _left.Add(_names[slot]);
        stop.AssertCleanWithin(WorkerArguments.DefaultShutdownTimeout);
    }
}
