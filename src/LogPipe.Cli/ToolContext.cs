using System.CommandLine;
using LogPipe.Cli.Configuration;
using LogPipe.Cli.Output;
using LogPipe.Hosting.Kafka;
using LogPipe.Hosting.Operations;

namespace LogPipe.Cli;

/// <summary>
/// What a command runs with: its parsed options, output, and — read on first use — configuration and the operator layer
/// (<see cref="LogPipeOperations"/>) over the database, Kafka and Kinesis it names.
/// </summary>
internal sealed class ToolContext
{
    private readonly Lazy<ToolConfiguration> _configuration;
    private readonly Lazy<LogPipeOperations> _operations;
    private readonly Lazy<SecretRedactor> _optionSecrets;
    private readonly Lazy<SecretRedactor> _configuredSecrets;

    public ToolContext(ParseResult parse, TextWriter output, TextWriter error)
    {
        Parse = parse;
        Out = output;
        Error = error;
        Verbose = parse.GetValue(GlobalOptions.Verbose);
        _configuration = new(() => ToolConfiguration.Load(parse.GetValue(GlobalOptions.Config), parse.GetValue(GlobalOptions.Environment)));
        _operations = new(() => LogPipeOperations.Create(Configuration.Root, new LogPipeOperationsOptions
        {
            Provider = parse.GetValue(GlobalOptions.Provider),
            ConnectionString = parse.GetValue(GlobalOptions.ConnectionString),
            Schema = parse.GetValue(GlobalOptions.Schema),
            BootstrapServers = parse.GetValue(GlobalOptions.BootstrapServers),
            KafkaTimeout = TimeSpan.FromSeconds(parse.GetValue(GlobalOptions.KafkaTimeout)),
            KafkaLog = Verbose ? error : null,
        }));
        _optionSecrets = new(() => ConfiguredSecrets.Collect(null, parse.GetValue(GlobalOptions.ConnectionString)));
        _configuredSecrets = new(() => ConfiguredSecrets.Collect(_configuration.Value, parse.GetValue(GlobalOptions.ConnectionString)));

        // Whatever is printed from here on — messages, --verbose exception details, client logs — is scrubbed of every
        // configured secret, whichever client's error happened to quote one.
        if (output is TerminalSafeWriter safeOutput) safeOutput.Redaction = Redact;
        if (error is TerminalSafeWriter safeError) safeError.Redaction = Redact;
    }

    public ParseResult Parse { get; }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool Verbose { get; }

    public ToolConfiguration Configuration => _configuration.Value;

    /// <summary>The operator layer: every action's rules live there; the commands parse, call it and print.</summary>
    public LogPipeOperations Operations => _operations.Value;

    public OperationsDatabase Database => Operations.Database;

    public KafkaConnection Kafka => Operations.Kafka;

    /// <summary>
    /// <paramref name="text"/> without any configured secret (<see cref="ConfiguredSecrets"/>): those of the configuration
    /// once it has been read (a secret can only reach an error after that), and always that of <c>--connection-string</c>.
    /// </summary>
    public string Redact(string? text) => (_configuration.IsValueCreated ? _configuredSecrets.Value : _optionSecrets.Value).Redact(text);

    /// <summary>The consumer group: <c>--group</c>, else <c>LogPipe:ConsumerGroup</c>.</summary>
    /// <exception cref="CommandException">Neither is set (2).</exception>
    public string ConsumerGroup(Option<string?> groupOption) =>
        Parse.GetValue(groupOption) ?? ConfiguredConsumerGroup
        ?? throw CommandException.Usage(
            "No consumer group: pass --group, or set LogPipe:ConsumerGroup (a service without it uses its entry assembly's name).");

    /// <summary><c>LogPipe:ConsumerGroup</c>, if set.</summary>
    public string? ConfiguredConsumerGroup => Configuration["LogPipe:ConsumerGroup"];
}
