using System.CommandLine;
using System.Net.Sockets;
using Confluent.Kafka;
using LogPipe.Cli.Tests.Support;
using Npgsql;

namespace LogPipe.Cli.Tests;

/// <summary>
/// No configured secret is ever printed, not even in <c>--verbose</c> error details, whichever client's error message
/// (Npgsql, SqlClient, librdkafka, the AWS signer) happens to quote it.
/// </summary>
public sealed class SecretRedactionTests : IDisposable
{
    private const string DatabasePassword = "CANARY-db-7f3a";
    private const string OtherDatabasePassword = "CANARY-named-91c2";
    private const string SaslPassword = "CANARY-sasl-5d0e";
    private const string AwsSecretKey = "CANARY-aws-secret-44b1";
    private const string AwsSessionToken = "CANARY-aws-token-0e9f";
    private const string OptionPassword = "CANARY-option-c0de";
    private const string TypedSaslPassword = "CANARY-typed-sasl-8a11";
    private const string TypedKeyPem = "CANARY-typed-key-pem-3c5d";

    private static readonly string AllSecrets = string.Join(", ", DatabasePassword, OtherDatabasePassword, SaslPassword, AwsSecretKey, AwsSessionToken);

    private readonly CliWorkspace _workspace = CliWorkspace.Create();

    public SecretRedactionTests() => _workspace.WriteConfig(new Dictionary<string, object>
    {
        ["LogPipe"] = new
        {
            Transport = "Kafka",
            ConsumerGroup = CliWorkspace.Group,
            Kafka = new { BootstrapServers = "127.0.0.1:1", Common = new Dictionary<string, string> { ["sasl.username"] = "u", ["sasl.password"] = SaslPassword } },
            Kinesis = new { Region = "us-east-1", AccessKey = "AKIDCANARYTEST", SecretKey = AwsSecretKey, SessionToken = AwsSessionToken },
            Admin = new { Provider = "postgres", ConnectionString = $"Host=127.0.0.1;Port=1;Username=logpipe;Password={DatabasePassword}" },
        },
        ["ConnectionStrings"] = new Dictionary<string, string> { ["Billing"] = $"Server=db;Database=billing;User Id=sa;Pwd={OtherDatabasePassword}" },
    });

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData("database", "Npgsql.NpgsqlException (0x80004005): Failed to connect with 'Host=127.0.0.1;Password=***' or ***")]
    [InlineData("unexpected", "System.InvalidOperationException: SASL authentication with password *** failed; AWS signing with ***/*** too")]
    [InlineData("kafka", "logpipe: Kafka failed: Authentication failed: ***, ***, ***, ***, ***")]
    public async Task Verbose_error_details_never_print_a_configured_secret(string failure, string detail)
    {
        var (exitCode, printed) = await RunFailingCommandAsync(failure, "--config", Path.Combine(_workspace.Directory, "appsettings.json"), "--verbose");

        Assert.NotEqual(ExitCodes.Success, exitCode);
        Assert.DoesNotContain("CANARY", printed, StringComparison.Ordinal);
        Assert.True(printed.Contains(detail, StringComparison.Ordinal), printed);
    }

    [Theory]
    [InlineData("typed", "logpipe: Kafka failed: Authentication failed: *** with key ***")]
    [InlineData("typed-unexpected", "System.InvalidOperationException: SASL authentication with *** and key *** failed")]
    public async Task Secrets_under_the_typed_kafka_keys_are_never_printed(string failure, string detail)
    {
        _workspace.WriteConfig(new
        {
            LogPipe = new
            {
                ConsumerGroup = CliWorkspace.Group,
                Kafka = new { BootstrapServers = "127.0.0.1:1", Sasl = new { Username = "u", Password = TypedSaslPassword }, Ssl = new { KeyPem = TypedKeyPem } },
            },
        });

        var (exitCode, printed) = await RunFailingCommandAsync(failure, "--config", Path.Combine(_workspace.Directory, "appsettings.json"), "--verbose");

        Assert.NotEqual(ExitCodes.Success, exitCode);
        Assert.DoesNotContain("CANARY", printed, StringComparison.Ordinal);
        Assert.True(printed.Contains(detail, StringComparison.Ordinal), printed);
    }

    [Fact]
    public async Task The_password_of_a_connection_string_option_is_never_printed()
    {
        var (exitCode, printed) = await RunFailingCommandAsync(
            "option", "--connection-string", $"Host=127.0.0.1;Password={OptionPassword}", "--config", Path.Combine(_workspace.Directory, "appsettings.json"), "-v");

        Assert.Equal(ExitCodes.Unreachable, exitCode);
        Assert.DoesNotContain("CANARY", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_librdkafka_error_quoting_a_secret_setting_is_scrubbed_from_verbose_client_logs()
    {
        // librdkafka quotes a malformed sasl.oauthbearer.config in its error; the tool must not pass it on.
        const string OAuthConfig = "CANARY-oauth-2b7d principal";
        _workspace.WriteConfig(new
        {
            LogPipe = new
            {
                ConsumerGroup = CliWorkspace.Group,
                Kafka = new
                {
                    BootstrapServers = "127.0.0.1:1",
                    Common = new Dictionary<string, string>
                    {
                        ["security.protocol"] = "SASL_PLAINTEXT",
                        ["sasl.mechanism"] = "OAUTHBEARER",
                        ["enable.sasl.oauthbearer.unsecure.jwt"] = "true",
                        ["sasl.oauthbearer.config"] = OAuthConfig,
                    },
                },
            },
        });

        var result = (await _workspace.RunAsync("tail", "people", "--verbose", "--kafka-timeout", "2")).Expect(ExitCodes.Unreachable);

        Assert.Contains("sasl.oauthbearer.config beginning at: ***", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY", result.Out + result.Error, StringComparison.Ordinal);
    }

    /// <summary>Runs the real command line with one more command that reads the configuration, then fails as <paramref name="failure"/> says.</summary>
    private async Task<(int ExitCode, string Printed)> RunFailingCommandAsync(string failure, params string[] options)
    {
        var root = LogPipeCommandLine.Build();
        var fail = new Command("fail");
        fail.SetAction(CommandAction.Of((context, cancellationToken) =>
        {
            if (failure != "option") Assert.NotNull(context.Configuration); // as every command does before it can fail with a secret in hand
            throw failure switch
            {
                "database" => new CommandException(
                    ExitCodes.Unreachable,
                    "Cannot reach the postgres database 127.0.0.1:1/logpipe.",
                    new NpgsqlException($"Failed to connect with 'Host=127.0.0.1;Password={DatabasePassword}' or {OtherDatabasePassword}", new SocketException(111))),
                "unexpected" => Nested($"SASL authentication with password {SaslPassword} failed; AWS signing with {AwsSecretKey}/{AwsSessionToken} too"),
                "kafka" => new KafkaException(new Error(ErrorCode.SaslAuthenticationFailed, $"Authentication failed: {AllSecrets}")),
                "typed-unexpected" => new InvalidOperationException($"SASL authentication with {TypedSaslPassword} and key {TypedKeyPem} failed"),
                "typed" => new KafkaException(new Error(ErrorCode.SaslAuthenticationFailed, $"Authentication failed: {TypedSaslPassword} with key {TypedKeyPem}")),
                _ => new CommandException(ExitCodes.Unreachable, "Cannot reach the database.", new NpgsqlException($"Password={OptionPassword} refused")),
            };
        }));
        root.Subcommands.Add(fail);

        var result = await InProcessTool.RunAsync(
            _workspace.Directory,
            new Dictionary<string, string>(),
            (output, error) => LogPipeCommandLine.RunAsync(root, ["fail", .. options], output, error, handleSignals: false));
        return (result.ExitCode, result.Out + result.Error);
    }

    private static InvalidOperationException Nested(string message)
    {
        try
        {
            throw new InvalidOperationException(message, new InvalidOperationException("inner: " + AllSecrets));
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }
    }
}
