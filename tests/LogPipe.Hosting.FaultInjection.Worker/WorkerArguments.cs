namespace LogPipe.Hosting.FaultInjection.Worker;

/// <summary>
/// The worker's command line: <c>--bootstrap H:P --topic T</c> for Kafka (the default transport), or
/// <c>--transport kinesis --endpoint URL --stream S</c> for Kinesis; then <c>--group G --database sqlite|postgres
/// --connection CS</c>; optionally <c>--save-delay-ms N</c> (every save waits that long first, so units of work take
/// long enough to be interrupted), <c>--isolation serializable</c> (units of work in SERIALIZABLE transactions),
/// <c>--shutdown-timeout-ms N</c> (the host's shutdown timeout, default 30,000) and
/// <c>--set KEY=VALUE;KEY=VALUE</c> (LogPipe settings over the defaults) and <c>--journal PATH</c> (a
/// <see cref="HandedRecordsJournal"/> of every record handed to a unit). <c>--role writer</c> runs the writing service
/// of the outbox scenarios instead of the consumer (Kafka only): <c>--writers N</c> transactions in flight (default 4),
/// <c>--rollback-every N</c> (one transaction in N rolled back after its send), <c>--changes N</c> (stop writing once N
/// changes have committed in the database) and <c>--rate N</c> (transactions per second; default as fast as it can).
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
    public const string Consumer = "consumer";
    public const string Writer = "writer";

    public const string Usage = "Usage: LogPipe.Hosting.FaultInjection.Worker (--bootstrap HOST:PORT[,...] --topic TOPIC | --transport kinesis --endpoint URL --stream STREAM) "
        + "--group GROUP --database sqlite|postgres --connection CONNECTION-STRING [--save-delay-ms N] [--isolation serializable] [--shutdown-timeout-ms N] [--set KEY=VALUE;KEY=VALUE] [--journal PATH] "
        + "[--role consumer|writer [--writers N] [--rollback-every N] [--changes N] [--rate N]]";

    /// <summary>The host's default shutdown timeout, which the worker keeps unless told otherwise.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long every save waits before it writes (honouring cancellation); zero by default.</summary>
    public TimeSpan SaveDelay { get; init; }

    /// <summary>Whether units of work run in SERIALIZABLE transactions (<c>--isolation serializable</c>: <c>LogPipe:UnitOfWork:IsolationLevel</c>).</summary>
    public bool Serializable { get; init; }

    /// <summary>How long the host waits for its services to stop after SIGTERM.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;

    /// <summary><see cref="Consumer"/> (the default) or <see cref="Writer"/>.</summary>
    public string Role { get; init; } = Consumer;

    /// <summary>The writer's settings (<c>--writers</c>, <c>--rollback-every</c>, <c>--changes</c>, <c>--rate</c>).</summary>
    public Outbox.OutboxWriterSettings WriterSettings { get; init; } = new();

    /// <summary>Where the worker journals the records it hands to units (<c>--journal</c>); none when <see langword="null"/>.</summary>
    public string? Journal { get; init; }

    /// <summary>LogPipe settings over the defaults, from <c>--set</c>.</summary>
    public IReadOnlyDictionary<string, string?> Overrides { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// The worker's LogPipe settings: <see cref="ConsumerHost.Defaults"/> or <see cref="ConsumerHost.KinesisDefaults"/>,
    /// then <see cref="Overrides"/>.
    /// </summary>
    public Dictionary<string, string?> Settings()
    {
        var settings = Transport == Kinesis
            ? ConsumerHost.KinesisDefaults(new Uri(Address, UriKind.Absolute), Group)
            : Role == Writer ? Outbox.WriterHost.Defaults(Address, Group) : ConsumerHost.Defaults(Address, Group);
        if (Serializable) settings["LogPipe:UnitOfWork:IsolationLevel"] = nameof(System.Data.IsolationLevel.Serializable);
        foreach (var (key, value) in Overrides) settings[key] = value;
        return settings;
    }

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

        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var setting in values.GetValueOrDefault("--set", "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error = $"--set expects KEY=VALUE pairs separated by ';', not '{setting}'.";
                return null;
            }

            overrides[setting[..equals]] = setting[(equals + 1)..];
        }

        if (!TryMilliseconds(values, "--save-delay-ms", TimeSpan.Zero, out var saveDelay, out error)
            || !TryMilliseconds(values, "--shutdown-timeout-ms", DefaultShutdownTimeout, out var shutdownTimeout, out error))
        {
            return null;
        }

        var isolation = values.GetValueOrDefault("--isolation", "default");
        if (isolation is not ("default" or "serializable"))
        {
            error = $"--isolation expects 'serializable' (or 'default'), not '{isolation}'.";
            return null;
        }

        var role = values.GetValueOrDefault("--role", Consumer);
        if (role is not (Consumer or Writer) || (role == Writer && transport != Kafka))
        {
            error = role is Consumer or Writer ? "--role writer runs on Kafka only." : $"--role expects '{Consumer}' or '{Writer}', not '{role}'.";
            return null;
        }

        var writer = new Outbox.OutboxWriterSettings();
        if (!TryCount(values, "--writers", writer.Writers, out var writers, out error)
            || !TryCount(values, "--rollback-every", writer.RollbackEvery, out var rollbackEvery, out error)
            || !TryCount(values, "--changes", writer.Changes, out var changes, out error)
            || !TryCount(values, "--rate", writer.Rate, out var rate, out error))
        {
            return null;
        }

        return new WorkerArguments(transport, values[address], values[stream], values["--group"], new WorkerDatabase(values["--database"], values["--connection"]))
        {
            Role = role,
            WriterSettings = writer with { Writers = Math.Max(1, writers), RollbackEvery = rollbackEvery, Changes = changes, Rate = rate },
            SaveDelay = saveDelay,
            Serializable = isolation == "serializable",
            ShutdownTimeout = shutdownTimeout,
            Journal = values.GetValueOrDefault("--journal"),
            Overrides = overrides,
        };
    }

    private static bool TryCount(Dictionary<string, string> values, string name, int fallback, out int value, out string? error)
    {
        error = null;
        value = fallback;
        if (!values.TryGetValue(name, out var text)) return true;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value)) return true;
        error = $"{name} expects a whole number, not '{text}'.";
        return false;
    }

    private static bool TryMilliseconds(Dictionary<string, string> values, string name, TimeSpan fallback, out TimeSpan value, out string? error)
    {
        error = null;
        value = fallback;
        if (!values.TryGetValue(name, out var text)) return true;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms))
        {
            value = TimeSpan.FromMilliseconds(ms);
            return true;
        }

        error = $"{name} expects a whole number of milliseconds, not '{text}'.";
        return false;
    }
}
