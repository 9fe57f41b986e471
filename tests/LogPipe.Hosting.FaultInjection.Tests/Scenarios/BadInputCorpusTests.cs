using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.FaultInjection.Worker;
using LogPipe.Hosting.TestSupport;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// Bad input: every kind of record in <see cref="BadRecords"/>, interleaved with good ones, on a real (embedded) broker.
/// Every good record is applied once, every bad one is dead-lettered with its reason, and the consumer never stops.
/// <c>LOGPIPE_FAULTS_CORPUS_ROUNDS</c> repeats the corpus (CI 1, full 20).
/// </summary>
[Collection(ScenarioCollections.Kafka)]
public sealed class BadInputCorpusTests(ITestOutputHelper output)
{
    private const int Partitions = 3;

    [Theory]
    [InlineData(WorkerDatabase.Sqlite)]
    [InlineData(WorkerDatabase.Postgres)]
    public async Task Every_bad_record_is_dead_lettered_with_its_reason_and_every_good_one_applied(string provider)
    {
        var rounds = FaultScale.Number("CORPUS_ROUNDS", 1, 20);
        var stopwatch = Stopwatch.StartNew();
        await using var scenario = await EmbeddedScenario.StartAsync(Partitions, provider);
        var (topic, group, database) = (scenario.Topic, scenario.Group, scenario.Database);
        var probe = new Probe();
        var consumer = await scenario.ConsumerAsync("consumer", BadInputSettings.For(BadRecords.Limits), probe);

        // Good and bad records alternate, spread over the partitions; each bad one is known by where it landed.
        var good = new List<Person>();
        var bad = new Dictionary<(int Partition, long Offset), BadRecord>();
        var config = new ProducerConfig { BootstrapServers = scenario.BootstrapServers, Acks = Acks.All, EnableIdempotence = true, LingerMs = 5 };
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(config).Build())
        {
            var index = 0;
            for (var round = 0; round < rounds; round++)
            {
                var poison = Guid.NewGuid();
                probe.FailTimes[poison] = int.MaxValue;
                foreach (var record in BadRecords.All(poison))
                {
                    var person = People.Many(1)[0];
                    good.Add(person);
                    await producer.ProduceAsync(new TopicPartition(topic, index % Partitions), new Message<byte[]?, byte[]?> { Value = BadRecords.Good(person, index) });
                    var report = await producer.ProduceAsync(new TopicPartition(topic, (index + 1) % Partitions), new Message<byte[]?, byte[]?> { Key = [1], Value = record.Value });
                    bad[(report.Partition.Value, report.Offset.Value)] = record;
                    index++;
                }
            }

            var last = People.Many(1)[0];
            good.Add(last);
            await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<byte[]?, byte[]?> { Value = BadRecords.Good(last, 0) });
        }

        var outcome = await scenario.Replica.CatchUpAndMeasureAsync([.. good.Select(p => p.Uuid)]);
        var letters = await database.DeadLettersAsync(group);
        var people = (await database.PeopleAsync()).Select(p => p.Uuid).ToHashSet();

        var table = new List<string> { "| # | bad record | dead-lettered as | reason (start of the stored error) |", "| --- | --- | --- | --- |" };
        var problems = new List<string>();
        var number = 0;
        foreach (var ((partition, offset), record) in bad)
        {
            var found = letters.Where(l => l.Partition == partition.ToString(CultureInfo.InvariantCulture) && l.Offset == offset).ToList();
            var first = number < bad.Count / rounds;
            if (record.Applied)
            {
                if (found.Count != 0) problems.Add($"{record.Name}: dead-lettered as {found[0].ErrorKind} ({found[0].Error}), expected it applied");
                if (record.Uuid is { } applied && !people.Contains(applied)) problems.Add($"{record.Name}: not applied");
                if (first) table.Add($"| {++number} | {record.Name} | — (applied) | |");
                continue;
            }

            if (record.Expected is null)
            {
                if (found.Count != 0) problems.Add($"{record.Name}: dead-lettered as {found[0].ErrorKind}, expected no dead letter");
                if (first) table.Add($"| {++number} | {record.Name} | — (skipped on purpose, logged at debug) | |");
                continue;
            }

            if (found.Count != 1) problems.Add($"{record.Name}: {found.Count} dead letters");
            else if (found[0].ErrorKind != record.Expected.ToString()) problems.Add($"{record.Name}: {found[0].ErrorKind} ({found[0].Error}), expected {record.Expected}");
            else if (!found[0].Error.Contains(record.Reason, StringComparison.Ordinal)) problems.Add($"{record.Name}: reason '{found[0].Error}' lacks '{record.Reason}'");
            else if (!(found[0].Value ?? []).AsSpan().SequenceEqual(record.Value ?? [])) problems.Add($"{record.Name}: the dead letter does not keep the raw value");
            if (record.Uuid is { } uuid && people.Contains(uuid)) problems.Add($"{record.Name}: applied anyway");
            if (found.Count == 1 && found[0].MessageType is { Length: > 255 }) problems.Add($"{record.Name}: a stored type of {found[0].MessageType!.Length} characters");
            if (first && found.Count > 0) table.Add($"| {++number} | {record.Name} | {found[0].ErrorKind} | {Shorten(found[0].Error)} |");
        }

        foreach (var line in table) output.WriteLine(line);
        var expectedLetters = bad.Values.Count(b => b.Expected is not null);
        new FaultFigures(
            $"Bad input corpus ({provider})",
            good.Count + bad.Count,
            $"{bad.Count} bad records of {bad.Count / rounds} kinds",
            outcome.Lost,
            outcome.AppliedTwice,
            outcome.DeadLettered,
            stopwatch.Elapsed)
        { Notes = $"{expectedLetters} dead letters expected, {letters.Count} stored" }.Publish(output);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(expectedLetters, letters.Count);
        Assert.True(bad.Count / rounds >= 30, "the corpus has at least 30 kinds of bad records");
        Assert.True(outcome.Lost == 0 && outcome.AppliedTwice == 0 && outcome.AtLogEnd, outcome.Detail);
        Assert.DoesNotContain(consumer.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Critical);
        Assert.Equal(0, consumer.Count(LogEvents.ConsumerStopped));
    }

    private static string Shorten(string error)
    {
        var text = error.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
        return text.Length <= 110 ? text : text[..110] + "…";
    }
}
