namespace LogPipe.Hosting.FaultInjection.Worker;

/// <summary>The worker's command line: <c>--bootstrap H:P --topic T --group G --database sqlite|postgres --connection CS</c>.</summary>
public sealed record WorkerArguments(string BootstrapServers, string Topic, string Group, WorkerDatabase Database)
{
    public const string Usage = "Usage: LogPipe.Hosting.FaultInjection.Worker --bootstrap HOST:PORT[,...] --topic TOPIC --group GROUP --database sqlite|postgres --connection CONNECTION-STRING";

    /// <summary>Parses the arguments; null with an error message when they are incomplete.</summary>
    public static WorkerArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Count; i += 2) values[args[i]] = args[i + 1];
        string[] required = ["--bootstrap", "--topic", "--group", "--database", "--connection"];
        var missing = required.Where(r => !values.ContainsKey(r)).ToList();
        if (args.Count % 2 != 0 || missing.Count > 0)
        {
            error = missing.Count > 0 ? $"Missing {string.Join(", ", missing)}." : $"No value after '{args[^1]}'.";
            return null;
        }

        error = null;
        return new WorkerArguments(values["--bootstrap"], values["--topic"], values["--group"], new WorkerDatabase(values["--database"], values["--connection"]));
    }
}
