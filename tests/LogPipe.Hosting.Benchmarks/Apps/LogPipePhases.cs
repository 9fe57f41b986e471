using LogPipe.Hosting.Benchmarks.Measurement;
using LogPipe.Hosting.Transport;
using LogPipe.Sample.Data;

namespace LogPipe.Hosting.Benchmarks.Apps;

/// <summary>The LogPipe side of a phase, the same whichever transport the app uses.</summary>
public static class LogPipePhases
{
    /// <summary>
    /// Sends people 0..<paramref name="count"/>-1 through the app's <c>IProducer&lt;Person&gt;.SendBatchAsync</c>, in
    /// batches, a few batches in flight; measured from the first model built to the last acknowledgement.
    /// </summary>
    public static async Task<PhaseMeasurement> SendInBatchesAsync(LogPipeApp app, int count, int batchSize, int batchesInFlight, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var meter = PhaseMeter.Start();
        var producer = app.Producer;
        var inFlight = new Queue<Task<IReadOnlyList<RecordPosition>>>();
        for (var start = 0; start < count; start += batchSize)
        {
            var models = new Person[Math.Min(batchSize, count - start)];
            for (var j = 0; j < models.Length; j++) models[j] = BenchmarkPeople.Person(start + j);
            if (inFlight.Count >= batchesInFlight) await inFlight.Dequeue().ConfigureAwait(false);
            inFlight.Enqueue(producer.SendBatchAsync(models, cancellationToken));
        }

        await Task.WhenAll(inFlight).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        return meter.Stop(count);
    }

    /// <summary>
    /// Starts a consumer app (its hosted consumer service) and measures until the unit of work holding the
    /// <paramref name="count"/>-th record has committed; then stops it and checks the database: no failed records, no
    /// dead letters, and for upserts exactly one replica per person, applied once.
    /// </summary>
    public static async Task<PhaseRun> ConsumeAsync(LogPipeAppSettings settings, int count, TimeSpan timeout, string? note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var database = settings.Database ?? throw new ArgumentException("A consumer app needs a database.", nameof(settings));
        var progress = settings.Progress ?? throw new ArgumentException("A consumer app needs a progress counter.", nameof(settings));
        PhaseMeasurement measurement;
        var app = LogPipeApp.Create(settings);
        await using (app.ConfigureAwait(false))
        {
            using var meter = PhaseMeter.Start();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await progress.WaitForAsync(count, timeout, cancellationToken).ConfigureAwait(false);
            measurement = meter.Stop(progress.Applied);
            await app.StopAsync().ConfigureAwait(false);
        }

        var (replicas, notOnce, deadLetters) = await database.CountAsync().ConfigureAwait(false);
        var problems = new List<string>();
        if (progress.Failed > 0) problems.Add($"{progress.Failed} records not applied");
        if (deadLetters > 0) problems.Add($"{deadLetters} dead letters");
        if (settings.Serializers == ConsumerSerializers.SampleUpsert && (replicas != count || notOnce != 0)) problems.Add($"{replicas} replicas, {notOnce} not applied exactly once");
        var notes = string.Join("; ", new[] { note, settings.DatabaseProfile?.Describe(measurement.Records, measurement.Elapsed) }.Where(n => !string.IsNullOrEmpty(n)));
        return new PhaseRun(measurement, notes.Length == 0 ? null : notes, problems.Count == 0 ? null : string.Join("; ", problems));
    }
}
