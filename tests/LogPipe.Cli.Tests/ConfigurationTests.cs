using LogPipe.Cli.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Cli.Tests;

/// <summary>Where the tool finds the service's settings, and the clear errors (with the key named) when they are wrong.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly CliWorkspace _workspace = CliWorkspace.Create();

    public void Dispose() => _workspace.Dispose();

    private void Configure(object logPipe, object? connectionStrings = null) =>
        _workspace.WriteConfig(new { LogPipe = logPipe, ConnectionStrings = connectionStrings ?? new { } });

    [Fact]
    public async Task A_missing_config_file_is_a_usage_error_naming_it()
    {
        var result = (await _workspace.RunAsync("offsets", "list", "--config", "nowhere/appsettings.json")).Expect(ExitCodes.Usage);
        Assert.Contains($"Configuration file '{Path.Combine(_workspace.Directory, "nowhere", "appsettings.json")}' not found (--config).", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_file_that_is_not_json_is_a_usage_error_naming_it()
    {
        _workspace.WriteFile("broken.json", "{ \"LogPipe\": ");
        var result = (await _workspace.RunAsync("offsets", "list", "--config", "broken.json")).Expect(ExitCodes.Usage);
        Assert.Contains("broken.json", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_database_setting_the_tool_says_which_keys_to_set()
    {
        Configure(new { ConsumerGroup = "g" });
        var result = (await _workspace.RunAsync("offsets", "list")).Expect(ExitCodes.Usage);
        Assert.Contains("pass --provider and --connection-string, or set LogPipe:Admin:Provider", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_provider_is_a_usage_error_naming_the_key()
    {
        Configure(new { ConsumerGroup = "g", Admin = new { Provider = "oracle", ConnectionString = "x" } });
        var result = (await _workspace.RunAsync("offsets", "list")).Expect(ExitCodes.Usage);
        Assert.Equal("logpipe: Unknown database provider 'oracle' (LogPipe:Admin:Provider): use sqlite, postgres or sqlserver.", result.Error.Trim());
    }

    [Theory]
    [InlineData("sqlite", "Data Source=x.db;Colour=blue")]
    [InlineData("postgres", "Host=127.0.0.1;Password=hunter2-secret;Flavour=mint")]
    [InlineData("sqlserver", "Server=db;Password=hunter2-secret;Flavour=mint")]
    public async Task A_bad_connection_string_is_a_usage_error_naming_its_key_and_never_printing_it(string provider, string connectionString)
    {
        Configure(new { ConsumerGroup = "g", Admin = new { Provider = provider, ConnectionString = connectionString } });
        var result = (await _workspace.RunAsync("offsets", "list")).Expect(ExitCodes.Usage);
        Assert.StartsWith($"logpipe: The connection string (LogPipe:Admin:ConnectionString) is not a valid {provider} connection string:", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.Error + result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_string_name_points_into_ConnectionStrings_like_the_service()
    {
        await _workspace.AddCheckpointAsync("people", "0", 3);
        Configure(new { ConsumerGroup = CliWorkspace.Group, Admin = new { Provider = "Sqlite", ConnectionStringName = "Sample" } }, new { Sample = $"Data Source={_workspace.DatabasePath}" });
        (await _workspace.RunAsync("offsets", "list")).Expect(ExitCodes.Success);

        Configure(new { ConsumerGroup = "g", Admin = new { Provider = "sqlite", ConnectionStringName = "Other" } });
        var missing = (await _workspace.RunAsync("offsets", "list")).Expect(ExitCodes.Usage);
        Assert.Equal("logpipe: LogPipe:Admin:ConnectionStringName is 'Other', but ConnectionStrings:Other is not set.", missing.Error.Trim());
    }

    [Fact]
    public async Task A_missing_sqlite_file_is_unreachable_and_is_not_created()
    {
        var path = Path.Combine(_workspace.Directory, "typo.db");
        var result = (await _workspace.RunAsync("dead-letters", "list", "--connection-string", "Data Source=typo.db")).Expect(ExitCodes.Unreachable);
        Assert.Equal($"logpipe: The SQLite database file '{path}' (--connection-string) does not exist.", result.Error.Trim());
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task An_unreachable_postgres_is_exit_code_3_without_its_password()
    {
        var result = (await _workspace.RunAsync(
            "offsets", "list", "--provider", "postgres", "--connection-string", "Host=127.0.0.1;Port=1;Username=u;Password=hunter2-secret;Database=d;Timeout=3"))
            .Expect(ExitCodes.Unreachable);
        Assert.StartsWith("logpipe: Cannot reach the postgres database 127.0.0.1:1/d:", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.Error + result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_without_logpipes_tables_is_a_usage_error_that_says_what_to_check()
    {
        var empty = Path.Combine(_workspace.Directory, "empty.db");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={empty};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE Other (Id INTEGER)";
            await create.ExecuteNonQueryAsync();
        }

        var result = (await _workspace.RunAsync("dead-letters", "list", "--connection-string", $"Data Source={empty}")).Expect(ExitCodes.Usage);
        Assert.Contains("LogPipe's tables are not in the sqlite database", result.Error, StringComparison.Ordinal);
        Assert.Contains("no such table: LogPipeDeadLetters", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_from_before_the_replay_column_is_a_usage_error_that_asks_for_a_migration()
    {
        await using (var db = _workspace.Db())
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE LogPipeDeadLetters DROP COLUMN ReplayRequestedAt");
        }

        var result = (await _workspace.RunAsync("dead-letters", "list")).Expect(ExitCodes.Usage);
        Assert.Contains("lack a column this tool uses: SQLite Error 1: 'no such column:", result.Error, StringComparison.Ordinal);
        Assert.Contains("add and apply a migration in the service", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_consumer_group_the_tool_asks_for_one()
    {
        Configure(new { Admin = new { Provider = "sqlite", ConnectionString = $"Data Source={_workspace.DatabasePath}" } });
        var result = (await _workspace.RunAsync("dead-letters", "list")).Expect(ExitCodes.Usage);
        Assert.StartsWith("logpipe: No consumer group: pass --group, or set LogPipe:ConsumerGroup", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_environments_file_and_environment_variables_override_appsettings_like_in_the_service()
    {
        _workspace.WriteConfig(new { LogPipe = new { ConsumerGroup = "staging-group" } }, "appsettings.Staging.json");

        var staged = (await _workspace.RunAsync("offsets", "list", "--environment", "Staging")).Expect(ExitCodes.Success);
        Assert.Contains("consumer group 'staging-group'", staged.Out, StringComparison.Ordinal);

        _workspace.Environment["DOTNET_ENVIRONMENT"] = "Staging";
        _workspace.Environment["LogPipe__ConsumerGroup"] = "from-env";
        var fromEnvironment = (await _workspace.RunAsync("offsets", "list")).Expect(ExitCodes.Success);
        Assert.Contains("consumer group 'from-env'", fromEnvironment.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_in_process_development_broker_cannot_be_reached_and_the_tool_says_what_to_do()
    {
        Configure(new { ConsumerGroup = "g", Kafka = new { BootstrapServers = "embedded" } });
        var result = (await _workspace.RunAsync("tail", "people")).Expect(ExitCodes.Usage);
        Assert.Contains("LogPipe:Kafka:BootstrapServers is 'embedded'", result.Error, StringComparison.Ordinal);
        Assert.Contains("logpipe broker", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kafka_secrets_are_never_printed_even_verbose()
    {
        Configure(new
        {
            ConsumerGroup = "g",
            Kafka = new
            {
                BootstrapServers = "127.0.0.1:1",
                Common = new Dictionary<string, string>
                {
                    ["security.protocol"] = "SASL_PLAINTEXT",
                    ["sasl.mechanism"] = "PLAIN",
                    ["sasl.username"] = "u",
                    ["sasl.password"] = "hunter2-secret",
                },
            },
        });
        var result = (await _workspace.RunAsync("tail", "people", "--verbose", "--kafka-timeout", "2")).Expect(ExitCodes.Unreachable);
        Assert.DoesNotContain("hunter2", result.Error + result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("offsets", "list", "--no-such-option")]
    [InlineData("dead-letters", "show", "not-a-number")]
    public async Task A_bad_command_line_is_exit_code_2(params string[] arguments)
    {
        var result = (await _workspace.RunAsync(arguments)).Expect(ExitCodes.Usage);
        Assert.StartsWith("logpipe: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        var result = (await _workspace.RunAsync("--help")).Expect(ExitCodes.Success);
        foreach (var command in new[] { "offsets", "tail <topic>", "dead-letters", "broker" }) Assert.Contains("  " + command, result.Out, StringComparison.Ordinal);
    }
}
