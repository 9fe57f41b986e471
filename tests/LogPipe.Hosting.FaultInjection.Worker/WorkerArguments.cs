namespace LogPipe.Hosting.FaultInjection.Worker;

/// <summary>
/// The worker's command line: <c>--bootstrap H:P --topic T</c> for Kafka (the default transport), or
/// <c>--transport kinesis --endpoint URL --stream S</c> for Kinesis; then <c>--group G --database sqlite|postgres
/// --connection CS</c>.
/// </summary>
/// <param name="Transport"><see cref="Kafka"/> or <see cref="Kinesis"/>.</param>
/// <param name="Address">The bootstrap servers (Kafka) or the endpoint URL (Kinesis).</param>
/// <param name="Stream">The topic or stream the worker consumes.</param>
/// <param name="Group">The consumer group its checkpoints are kept under.</param>
/// <param name="Database">Where checkpoints and people live.</param>
public sealed record WorkerArguments(string Transport, string Address, string Stream, string Group, WorkerDatabase Database)
{
    public const string Kafka = "kafka";
    public const string Kinesis = "kinesis";

    public const string Usage = "Usage: LogPipe.Hosting.FaultInjection.Worker (--bootstrap HOST:PORT[,...] --topic TOPIC | --transport kinesis --endpoint URL --stream STREAM) "
        + "--group GROUP --database sqlite|postgres --connection CONNECTION-STRING";

    /// <summary>The worker's LogPipe settings: <see cref="ConsumerHost.Defaults"/> or <see cref="ConsumerHost.KinesisDefaults"/>.</summary>
    public Dictionary<string, string?> Settings() => Transport == Kinesis
        ? ConsumerHost.KinesisDefaults(new Uri(Address, UriKind.Absolute), Group)
        : ConsumerHost.Defaults(Address, Group);

    /// <summary>Parses the arguments; null with an error message when they are incomplete.</summary>
    public static WorkerArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Count; i += 2) values[args[i]] = args[i + 1];
        var transport = values.GetValueOrDefault("--transport", Kafka);
        var (address, stream) = transport switch
        {
            Kafka => ("--bootstrap", "--topic"),
            Kinesis => ("--endpoint", "--stream"),
            _ => (null, null),
        };
        if (address is null || stream is null)
        {
            error = $"Unknown transport '{transport}'; use {Kafka} or {Kinesis}.";
            return null;
        }

        string[] required = [address, stream, "--group", "--database", "--connection"];
        var missing = required.Where(r => !values.ContainsKey(r)).ToList();
        if (args.Count % 2 != 0 || missing.Count > 0)
        {
            error = missing.Count > 0 ? $"Missing {string.Join(", ", missing)}." : $"No value after '{args[^1]}'.";
            return null;
        }

        error = null;
        return new WorkerArguments(transport, values[address], values[stream], values["--group"], new WorkerDatabase(values["--database"], values["--connection"]));
    }
}
