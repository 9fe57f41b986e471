using System.Globalization;

namespace LogPipe.Hosting.Benchmarks;

/// <summary>The command line, parsed.</summary>
public sealed record BenchmarkOptions
{
    /// <summary>How to run it, printed on errors and <c>--help</c>.</summary>
    public const string Usage = """
        Usage: LogPipe.Hosting.Benchmarks <kafka|kinesis> [options]

          --count N             records per phase (kafka default 1000000, kinesis default 20000)
          --phases LIST         all (default), or a comma-separated list of phase names or prefixes
                                (produce, consume, produce-raw, consume-upsert-sqlite, ...)
          --output DIR          where results JSON and chart go (default artifacts/benchmarks)
          --publish             also copy the chart and JSON into docs/ (performance-<mode>.png/.json)
          --partitions N        kafka partitions per topic (default: enough that the broker keeps every record)
          --warm-up N           kafka: records per phase in an unmeasured pass of every selected phase on its own
                                topics before the measured one (default: --count, at most 1000000; 0: none)
          --repeat N            kafka: measure the selected phases N times in one process (after the one warm-up pass,
                                each run on topics of its own) and print every run's ratio and the median per phase pair
          --shards N            kinesis shards (default 4)
          --batch-size N        models per SendBatchAsync call (default 10000; kinesis 500)
          --concurrency N       SendAsync calls in flight in the concurrent producer phase (default 1000)
          --unit-size N         LogPipe:UnitOfWork:MaxRecords for the consumer phases (default: LogPipe's, 500)
          --broker process|inprocess
                                run the development broker as a child process (default, so its stored records
                                are not counted in this process's working set) or inside this process
          --postgres CONN       use this PostgreSQL server (admin connection string) instead of starting one
          --timeout SECONDS     give up on a phase after this long (default 3600)
          --db-profile          time every database call of the consumer phases (adds EF interceptors:
                                for finding what bounds a phase, not for the published table)
          --quiet               print only the table
        """;

    /// <summary><c>kafka</c> or <c>kinesis</c>.</summary>
    public required string Mode { get; init; }

    /// <summary>Records per phase.</summary>
    public required int Count { get; init; }

    /// <summary>Phase names or prefixes selected, or <c>all</c>.</summary>
    public IReadOnlyList<string> Phases { get; init; } = ["all"];

    /// <summary>Output directory for JSON and PNG.</summary>
    public string OutputDirectory { get; init; } = Path.Combine("artifacts", "benchmarks");

    /// <summary>Whether to copy the chart and JSON into docs/.</summary>
    public bool Publish { get; init; }

    /// <summary>Kafka partitions per topic, or <see langword="null"/> for enough to keep every record.</summary>
    public int? Partitions { get; init; }

    /// <summary>
    /// Records per phase in the unmeasured warm-up pass (kafka), or <see langword="null"/> for the default: <see cref="Count"/>,
    /// at most 1,000,000.
    /// </summary>
    public int? WarmUp { get; init; }

    /// <summary>The warm-up pass's records per phase in effect; 0 means no warm-up.</summary>
    public int WarmUpCount => WarmUp ?? Math.Min(Count, 1_000_000);

    /// <summary>How many measured runs of the selected phases (kafka), after one warm-up pass.</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>Kinesis shards.</summary>
    public int Shards { get; init; } = 4;

    /// <summary>Models per SendBatchAsync call.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Concurrent SendAsync calls.</summary>
    public int Concurrency { get; init; } = 1000;

    /// <summary>Unit-of-work size for the consumer phases, or <see langword="null"/> for LogPipe's default.</summary>
    public int? UnitSize { get; init; }

    /// <summary>Whether the broker runs in a child process.</summary>
    public bool BrokerInChildProcess { get; init; } = true;

    /// <summary>An admin connection string of a PostgreSQL server to use, or <see langword="null"/> to start one.</summary>
    public string? Postgres { get; init; }

    /// <summary>How long one phase may take.</summary>
    public TimeSpan PhaseTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Whether to time the consumer phases' database calls.</summary>
    public bool DatabaseProfile { get; init; }

    /// <summary>Whether to print only the table.</summary>
    public bool Quiet { get; init; }

    /// <summary>Whether the phase is selected by <c>--phases</c>.</summary>
    public bool Selects(string phase) =>
        Phases.Any(p => p == "all" || p == phase || phase.StartsWith(p + "-", StringComparison.Ordinal));

    /// <summary>Parses the arguments; returns <see langword="null"/> and an error message when they are invalid.</summary>
    public static BenchmarkOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        if (args.Count == 0 || args[0] is not ("kafka" or "kinesis"))
        {
            error = args.Count == 0 || args[0] is "-h" or "--help" ? null : $"Unknown mode '{args[0]}'.";
            return null;
        }

        var mode = args[0];
        var options = new BenchmarkOptions { Mode = mode, Count = mode == "kafka" ? 1_000_000 : 20_000 };
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{name} needs a value.");
            int Positive() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new FormatException($"{name} needs a positive whole number.");
            try
            {
                options = name switch
                {
                    "--count" => options with { Count = Positive() },
                    "--phases" => options with { Phases = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                    "--output" => options with { OutputDirectory = Value() },
                    "--publish" => options with { Publish = true },
                    "--partitions" => options with { Partitions = Positive() },
                    "--warm-up" => options with { WarmUp = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var w) ? w : throw new FormatException("--warm-up needs a whole number (0 for none).") },
                    "--repeat" => options with { Repeat = Positive() },
                    "--shards" => options with { Shards = Positive() },
                    "--batch-size" => options with { BatchSize = Positive() },
                    "--concurrency" => options with { Concurrency = Positive() },
                    "--unit-size" => options with { UnitSize = Positive() },
                    "--broker" => Value() switch
                    {
                        "process" => options with { BrokerInChildProcess = true },
                        "inprocess" => options with { BrokerInChildProcess = false },
                        var other => throw new FormatException($"--broker is process or inprocess, not '{other}'."),
                    },
                    "--postgres" => options with { Postgres = Value() },
                    "--timeout" => options with { PhaseTimeout = TimeSpan.FromSeconds(Positive()) },
                    "--quiet" => options with { Quiet = true },
                    "--db-profile" => options with { DatabaseProfile = true },
                    _ => throw new FormatException($"Unknown option '{name}'."),
                };
            }
            catch (FormatException ex)
            {
                error = ex.Message;
                return null;
            }
        }

        if (options.Repeat > 1 && mode != "kafka")
        {
            error = "--repeat is for the kafka mode (the kinesis phases are bound by kinesalite, not by the code).";
            return null;
        }

        return options;
    }
}
