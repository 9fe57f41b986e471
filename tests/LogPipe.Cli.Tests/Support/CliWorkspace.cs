using System.Text;
using System.Text.Json;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Formats;
using LogPipe.Hosting.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Cli.Tests.Support;

/// <summary>
/// What an operator has in front of them: a working directory with the service's appsettings.json and the service's
/// SQLite database (LogPipe's tables created the way a service creates them), and the tool to run there.
/// </summary>
public sealed class CliWorkspace : IDisposable
{
    public const string Group = "people-replica";

    public static readonly string JoeV2 =
        """json:{"type":"person","version":2,"message":{"uuid":"de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41","first_name":"Joe","last_name":"Schmoe","email":"joe@example.com"}}""";

    private CliWorkspace(string directory)
    {
        Directory = directory;
        DatabasePath = Path.Combine(directory, "service.db");
    }

    public string Directory { get; }

    public string DatabasePath { get; }

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>A workspace whose appsettings.json points at <paramref name="bootstrapServers"/> and a fresh database.</summary>
    public static CliWorkspace Create(string? bootstrapServers = "127.0.0.1:1", bool createDatabase = true)
    {
        var workspace = new CliWorkspace(System.IO.Directory.CreateTempSubdirectory("logpipe-cli-").FullName);
        if (createDatabase)
        {
            using var db = workspace.Db();
            db.Database.EnsureCreated();
        }

        workspace.WriteConfig(new
        {
            LogPipe = new
            {
                Transport = "Kafka",
                ConsumerGroup = Group,
                Kafka = new { BootstrapServers = bootstrapServers },
                Admin = new { Provider = "sqlite", ConnectionString = $"Data Source={workspace.DatabasePath}" },
            },
        });
        return workspace;
    }

    public void WriteConfig(object settings, string fileName = "appsettings.json") =>
        File.WriteAllText(Path.Combine(Directory, fileName), JsonSerializer.Serialize(settings));

    /// <summary>
    /// Points appsettings.json at kinesalite (<paramref name="serviceUrl"/>, region us-east-1, the test credentials) with
    /// LogPipe:Transport = Kinesis, and at the workspace's database.
    /// </summary>
    public void WriteKinesisConfig(Uri serviceUrl) =>
        WriteConfig(new
        {
            LogPipe = new
            {
                Transport = "Kinesis",
                ConsumerGroup = Group,
                Kinesis = new
                {
                    Region = "us-east-1",
                    ServiceUrl = serviceUrl.ToString(),
                    AccessKey = KinesisTestSettings.AccessKey,
                    SecretKey = KinesisTestSettings.SecretKey,
                    MaxRetries = 0,
                },
                Admin = new { Provider = "sqlite", ConnectionString = $"Data Source={DatabasePath}" },
            },
        });

    public void WriteFile(string fileName, string text) => File.WriteAllText(Path.Combine(Directory, fileName), text);

    public TestDb Db() => new(new DbContextOptionsBuilder<TestDb>().UseSqlite($"Data Source={DatabasePath};Pooling=False").Options);

    /// <summary>Runs <c>logpipe</c> with <paramref name="arguments"/> to its end, in this process (<see cref="InProcessTool"/>).</summary>
    public Task<ToolResult> RunAsync(params string[] arguments) => InProcessTool.RunAsync(Directory, Environment, arguments);

    /// <summary>Runs <c>logpipe</c> with <paramref name="arguments"/> to its end as a process of its own.</summary>
    public async Task<ToolResult> RunProcessAsync(params string[] arguments)
    {
        using var process = Start(arguments);
        var exitCode = await process.WaitForExitAsync();
        return new ToolResult(exitCode, process.StandardOutput, process.StandardError);
    }

    /// <summary>Starts <c>logpipe</c> with <paramref name="arguments"/>; dispose the process.</summary>
    public ChildProcess Start(params string[] arguments) => LogPipeProcess.Start(Directory, Environment, arguments);

    public async Task AddCheckpointAsync(string stream, string partition, long nextOffset, long version = 1, string transport = "kafka", string group = Group, string? sequence = null)
    {
        await using var db = Db();
        db.Add(new LogPipeCheckpoint
        {
            ConsumerGroup = group,
            Transport = transport,
            Stream = stream,
            Partition = partition,
            NextOffset = nextOffset,
            Version = version,
            SequenceNumber = sequence,
            UpdatedAt = DateTimeOffset.Parse("2025-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture),
        });
        await db.SaveChangesAsync();
    }

    public async Task<List<LogPipeCheckpoint>> CheckpointsAsync()
    {
        await using var db = Db();
        return await db.Set<LogPipeCheckpoint>().AsNoTracking().ToListAsync();
    }

    /// <summary>Stores a dead letter as the service would.</summary>
    public async Task<long> AddDeadLetterAsync(
        byte[] value, string kind = "UnknownVersion", string? type = "person", int? version = 2, string stream = "people", string group = Group,
        string error = "No serializer for person version 2.", byte[]? key = null, long offset = 7, string? headers = null)
    {
        await using var db = Db();
        var letter = new LogPipeDeadLetter
        {
            ConsumerGroup = group,
            Transport = "memory",
            Stream = stream,
            Partition = "0",
            Offset = offset,
            Key = key,
            Value = value,
            Headers = headers,
            MessageType = type,
            Version = version,
            ErrorKind = kind,
            Error = error,
            Attempts = 1,
            RecordTimestamp = DateTimeOffset.UtcNow,
            FirstFailedAt = DateTimeOffset.UtcNow,
            DeadLetteredAt = DateTimeOffset.UtcNow,
        };
        db.Add(letter);
        await db.SaveChangesAsync();
        return letter.Id;
    }

    public Task<long> AddDeadLetterAsync(string value, string kind = "UnknownVersion", string? type = "person", int? version = 2, string stream = "people", string group = Group) =>
        AddDeadLetterAsync(Encoding.UTF8.GetBytes(value), kind, type, version, stream, group);

    public async Task<List<LogPipeDeadLetter>> DeadLettersAsync()
    {
        await using var db = Db();
        return await db.Set<LogPipeDeadLetter>().AsNoTracking().OrderBy(d => d.Id).ToListAsync();
    }

    /// <summary>A django-logpipe envelope of <paramref name="message"/> in <paramref name="format"/>.</summary>
    public static byte[] Envelope<T>(string format, string type, int version, T message, string? producer = null) =>
        new EnvelopeWriter(PayloadJson.CreateOptions()).Write(format, type, version, message, producer);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the temp folder is cleaned up eventually.
        }
    }
}
