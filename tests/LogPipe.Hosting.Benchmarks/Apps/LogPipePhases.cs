using LogPipe.Hosting.Benchmarks.Measurement;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Diagnostics;
using LogPipe.Sample.Data;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Benchmarks.Apps;

/// <summary>The LogPipe side of a phase, the same whichever transport the app uses.</summary>
public static class LogPipePhases
{
    /// <summary>
    /// Sends people 0..<paramref name="count"/>-1 through the app's <c>IProducer&lt;Person&gt;.SendBatchAsync</c>, in
    /// batches, a few batches in flight; measured from the first model filled to the last acknowledgement. The model
    /// objects are made before the clock starts and reused once their batch is acknowledged (see <see cref="BenchmarkPeople.Fill"/>).
    /// </summary>
    public static async Task<PhaseMeasurement> SendInBatchesAsync(LogPipeApp app, int count, int batchSize, int batchesInFlight, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        var free = new Queue<Person[]>();
        for (var b = 0; b <= batchesInFlight; b++) free.Enqueue([.. Enumerable.Range(0, batchSize).Select(BenchmarkPeople.Person)]);
        using var meter = PhaseMeter.Start();
        var producer = app.Producer;
        var inFlight = new Queue<(Task<IReadOnlyList<RecordPosition>> Send, Person[] Models)>();
        for (var start = 0; start < count; start += batchSize)
        {
            if (inFlight.Count >= batchesInFlight)
            {
                var (send, done) = inFlight.Dequeue();
                await send.ConfigureAwait(false);
                free.Enqueue(done);
            }

            var models = free.Dequeue();
            var size = Math.Min(batchSize, count - start);
            for (var j = 0; j < size; j++) BenchmarkPeople.Fill(models[j], start + j);
            inFlight.Enqueue((producer.SendBatchAsync(size == models.Length ? models : models[..size], cancellationToken), models));
        }

        await Task.WhenAll(inFlight.Select(f => f.Send)).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        return meter.Stop(count);
    }

    /// <summary>
    /// Starts <paramref name="instances"/> consumer apps (their hosted consumer services, one consumer group, one
    /// database) together and measures until the unit of work holding the <paramref name="count"/>-th record has
    /// committed; then stops them and checks the database: no failed records, no dead letters, and for upserts exactly
    /// one replica per person, applied once.
    /// </summary>
    public static async Task<PhaseRun> ConsumeAsync(LogPipeAppSettings settings, int count, TimeSpan timeout, string? note, CancellationToken cancellationToken, int instances = 1)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var database = settings.Database ?? throw new ArgumentException("A consumer app needs a database.", nameof(settings));
        var progress = settings.Progress ?? throw new ArgumentException("A consumer app needs a progress counter.", nameof(settings));
        PhaseMeasurement measurement;
        var apps = Enumerable.Range(0, instances).Select(_ => LogPipeApp.Create(settings)).ToList();
        var leaseless = instances > 1 && apps.Any(a => a.Services.GetRequiredService<ICheckpointStore>().ShardLeases is null);
        using var commits = new CommitShare(apps.Select(a => a.Services.GetRequiredService<LogPipeTelemetry>().Meter));
        try
        {
            using var meter = PhaseMeter.Start();
            await Task.WhenAll(apps.Select(a => a.StartAsync(cancellationToken))).ConfigureAwait(false);
            await progress.WaitForAsync(count, timeout, cancellationToken).ConfigureAwait(false);
            measurement = meter.Stop(progress.Applied);
            await Task.WhenAll(apps.Select(a => a.StopAsync())).ConfigureAwait(false);
        }
        finally
        {
            foreach (var app in apps) await app.DisposeAsync().ConfigureAwait(false);
        }

        var (replicas, notOnce, deadLetters) = await database.CountAsync().ConfigureAwait(false);
        var problems = new List<string>();
        if (progress.Failed > 0) problems.Add($"{progress.Failed} records not applied");
        if (leaseless) problems.Add($"the checkpoint store keeps no shard leases: each of the {instances} instances read every shard");
        if (deadLetters > 0) problems.Add($"{deadLetters} dead letters");
        if (settings.Serializers is ConsumerSerializers.SampleUpsert or ConsumerSerializers.SampleUpsertPerRecord && (replicas != count || notOnce != 0)) problems.Add($"{replicas} replicas, {notOnce} not applied exactly once");
        var units = progress.Units == 0 ? null : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{progress.Units:N0} units of work, {(double)progress.Applied / progress.Units:N0} records each on average");
        var notes = string.Join("; ", new[] { note, units, commits.Describe(), settings.DatabaseProfile?.Describe(measurement.Records, measurement.Elapsed) }.Where(n => !string.IsNullOrEmpty(n)));
        return new PhaseRun(measurement, notes.Length == 0 ? null : notes, problems.Count == 0 ? null : string.Join("; ", problems));
    }
}
