using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using CsCheck;
using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.FaultInjection.Worker;
using LogPipe.Hosting.Tests.Fuzzing;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// The whole hosted pipeline under generated and mutated records (the decoder fuzz suite's generators), with random
/// keys, headers and timestamps, on the embedded broker and a real database: the consumer never stops, every record
/// ends applied, skipped on purpose or dead-lettered with its raw bytes, and the checkpoints reach the log end.
/// <c>LOGPIPE_FAULTS_FUZZ_RECORDS</c> sets the count (CI 5,000 per database, full 50,000); <c>LOGPIPE_FAULTS_SEED</c>
/// repeats a run.
/// </summary>
[Collection(ScenarioCollections.Kafka)]
public sealed class FuzzedRecordsTests(ITestOutputHelper output)
{
    private const int Partitions = 3;

    [Theory]
    [InlineData(WorkerDatabase.Sqlite)]
    [InlineData(WorkerDatabase.Postgres)]
    public async Task Every_fuzzed_record_ends_applied_skipped_or_dead_lettered_and_the_consumer_never_stops(string provider)
    {
        var count = FaultScale.Number("FUZZ_RECORDS", 5_000, 50_000);
        var seed = FaultScale.Seed;
        var stopwatch = Stopwatch.StartNew();
        await using var scenario = await EmbeddedScenario.StartAsync(Partitions, provider);
        var consumer = await scenario.ConsumerAsync("consumer", BadInputSettings.For(RecordGenerators.Limits));

        var pcg = new PCG(1, (ulong)seed);
        var random = new Random(seed);
        var sent = new Dictionary<(int Partition, long Offset), byte[]?>();
        var config = new ProducerConfig { BootstrapServers = scenario.BootstrapServers, Acks = Acks.All, EnableIdempotence = true, LingerMs = 5 };
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(config).Build())
        {
            var pending = new List<Task<DeliveryResult<byte[]?, byte[]?>>>();
            for (var i = 0; i < count; i++)
            {
                var message = new Message<byte[]?, byte[]?>
                {
                    Key = Key(random),
                    Value = random.Next(10) switch
                    {
                        // A tombstone now and then; a third valid people (so saves, lookups and validation run too).
                        0 when random.Next(20) == 0 => null,
                        < 3 => RecordGenerators.ValidPeople.Generate(pcg, null!, out _).Record,
                        _ => RecordGenerators.Records.Generate(pcg, null!, out _),
                    },
                    Headers = Headers(pcg, random),
                    Timestamp = new Timestamp(TimestampMs(random), TimestampType.CreateTime),
                };
                pending.Add(producer.ProduceAsync(new TopicPartition(scenario.Topic, random.Next(Partitions)), message));
                if (pending.Count == 500 || i == count - 1)
                {
                    foreach (var report in await Task.WhenAll(pending)) sent[(report.Partition.Value, report.Offset.Value)] = report.Message.Value;
                    pending.Clear();
                }
            }
        }

        // Saves that keep failing (PostgreSQL refuses NUL in a name) are retried before they are dead-lettered, which slows
        // the full run well below the usual pace: patience grows with the count.
        var patience = TimeSpan.FromMilliseconds(Math.Max(Replica.Patience.TotalMilliseconds, count * 10.0));
        var outcome = await scenario.Replica.CatchUpAndMeasureAsync([], patience: patience);
        var letters = await scenario.Database.DeadLettersAsync(scenario.Group);
        var applied = (await scenario.Database.PeopleAsync()).Sum(p => p.Applied);
        var ignored = consumer.Count(LogEvents.IgnoredType);

        var problems = new List<string>();
        foreach (var letter in letters)
        {
            var at = (int.Parse(letter.Partition, CultureInfo.InvariantCulture), letter.Offset);
            if (!sent.TryGetValue(at, out var value)) problems.Add($"a dead letter at {at} that was never sent");
            else if (!(letter.Value ?? []).AsSpan().SequenceEqual(value ?? [])) problems.Add($"the dead letter at {at} does not keep the raw value");
            if (letter.MessageType is { Length: > 255 }) problems.Add($"the dead letter at {at} has a type of {letter.MessageType.Length} characters");
        }

        if (letters.Count != letters.Select(l => (l.Partition, l.Offset)).Distinct().Count()) problems.Add("a record was dead-lettered twice");
        var kinds = letters.GroupBy(l => l.ErrorKind).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
        new FaultFigures(
            $"Fuzzed records ({provider})",
            count,
            $"generated and mutated records, random keys, headers and timestamps (seed {seed})",
            0,
            outcome.AppliedTwice,
            outcome.DeadLettered,
            stopwatch.Elapsed)
        { Notes = $"applied {applied}, ignored {ignored}, dead-lettered {letters.Count} ({string.Join(", ", kinds)})" }.Publish(output);
        output.WriteLine(consumer.Summary());

        Assert.True(outcome.AtLogEnd, outcome.Detail);
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(20)));
        Assert.Equal(count, applied + ignored + letters.Count);
        Assert.Equal(0, outcome.AppliedTwice);
        Assert.DoesNotContain(consumer.Logs.Entries, e => e.Level == LogLevel.Critical);
        Assert.Equal(0, consumer.Count(LogEvents.ConsumerStopped)); // the consumer service never stopped
        Assert.Equal(0, consumer.Count(LogEvents.UnitAbandoned)); // no unit was abandoned: a dead letter is always writable
    }

    /// <summary>No key, an empty one, random bytes (often not UTF-8), or a long one.</summary>
    private static byte[]? Key(Random random) => random.Next(6) switch
    {
        0 => null,
        1 => [],
        2 => Encoding.UTF8.GetBytes(Guid.NewGuid().ToString()),
        3 => RandomBytes(random, random.Next(1, 1000)),
        _ => RandomBytes(random, random.Next(1, 24)),
    };

    /// <summary>Usually none; otherwise up to three, with hostile names (NUL, lone surrogates, long) and values (none, empty, random).</summary>
    private static Headers? Headers(PCG pcg, Random random)
    {
        if (random.Next(3) != 0) return null;
        var headers = new Headers();
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            var name = random.Next(10) == 0 ? new string('h', 300) : RecordGenerators.HostileText.Generate(pcg, null!, out _);
            headers.Add(name, random.Next(4) switch { 0 => null, 1 => [], _ => RandomBytes(random, random.Next(1, 64)) });
        }

        return headers;
    }

    /// <summary>
    /// A CreateTime timestamp: 0, 1 ms, -1, before 1970, the recent past, now, decades back, a producer clock running
    /// ahead (seconds to centuries: such a record must not hold its partition), beyond what a date can hold (after year
    /// 9999), or the largest value the field carries.
    /// </summary>
    private static long TimestampMs(Random random)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var maxDate = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();
        return random.Next(10) switch
        {
            0 => 0,
            1 => 1,
            2 => -1,
            3 => -random.NextInt64(1, now),
            4 => now - random.NextInt64(1, 86_400_000),
            5 => now,
            6 => now + random.NextInt64(1_000, 200L * 365 * 86_400_000),
            7 => maxDate + random.NextInt64(1, 1_000_000_000),
            8 => long.MaxValue,
            _ => random.NextInt64(1, now),
        };
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
