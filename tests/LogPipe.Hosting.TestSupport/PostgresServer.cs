using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace LogPipe.Hosting.TestSupport;

/// <summary>
/// A real PostgreSQL 15 server for the tests, started once per test process on 127.0.0.1 and a free port, in a temporary
/// data directory, and stopped when the process exits. PostgreSQL refuses to run as root, so as root it runs as the
/// <c>postgres</c> user (<c>runuser</c>). Set <c>LOGPIPE_TEST_POSTGRES</c> to a connection string to use a server of your own.
/// Each test gets its own database from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<Task<string>> Server = new(StartAsync);
    private static string? _dataDirectory;

    /// <summary>Where the PostgreSQL binaries are looked for.</summary>
    public static string BinDirectory => Environment.GetEnvironmentVariable("LOGPIPE_PG_BIN") ?? "/usr/lib/postgresql/15/bin";

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var admin = await Server.Value;
        var name = "logpipe_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    /// <summary>Stops the server (as a database outage would) and returns a function that starts it again.</summary>
    public static async Task<Func<Task>> StopAsync()
    {
        await Server.Value;
        if (_dataDirectory is null) throw new InvalidOperationException("The server is external (LOGPIPE_TEST_POSTGRES); it cannot be stopped by the tests.");
        NpgsqlConnection.ClearAllPools();
        await PgCtlAsync("stop", "-m", "immediate", "-w");
        return () => PgCtlAsync("start", "-w", "-l", Path.Combine(_dataDirectory, "server.log"));
    }

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("LOGPIPE_TEST_POSTGRES") is { Length: > 0 } external) return external;
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")))
        {
            throw new InvalidOperationException($"PostgreSQL binaries not found in {BinDirectory}; install postgresql-15 (.ci/run does) or set LOGPIPE_PG_BIN / LOGPIPE_TEST_POSTGRES.");
        }

        RemoveAbandonedDirectories();
        var directory = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        if (IsRoot) await RunAsync("chown", "postgres:postgres", directory);
        _dataDirectory = Path.Combine(directory, "data");
        var port = FreePort();
        await RunAsPostgresAsync(Path.Combine(BinDirectory, "initdb"), "-D", _dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        await File.AppendAllTextAsync(Path.Combine(_dataDirectory, "postgresql.conf"), $"""

            listen_addresses = '127.0.0.1'
            port = {port}
            unix_socket_directories = '{directory}'
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            max_connections = 200
            """);
        await PgCtlAsync("start", "-w", "-l", Path.Combine(_dataDirectory, "server.log"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                RunAsPostgresAsync(Path.Combine(BinDirectory, "pg_ctl"), "stop", "-D", _dataDirectory, "-m", "immediate").GetAwaiter().GetResult();
            }
            catch (InvalidOperationException)
            {
            }

            TryDelete(directory);
        };
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Timeout=5;Command Timeout=30";
    }

    private const string DirectoryPrefix = "logpipe-pg-";

    /// <summary>
    /// Removes data directories that earlier test processes left behind (a test host that was killed, or a delete that
    /// lost a race with the stopping server): each holds a whole cluster (about 70 MB), and hundreds of them filled the
    /// disk (the test host is often ended before its exit handler has deleted the directory). A directory is abandoned
    /// when no server runs in it and nothing wrote to it or its data folder for ten minutes, so a directory another test
    /// process is still initialising is left alone.
    /// </summary>
    private static void RemoveAbandonedDirectories()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var pidFile = Path.Combine(directory, "data", "postmaster.pid");
            if (File.Exists(pidFile) && ServerRuns(pidFile)) continue;
            var data = Path.Combine(directory, "data");
            var lastWrite = Directory.Exists(data) ? Directory.GetLastWriteTimeUtc(data) : DateTime.MinValue;
            if (Directory.GetLastWriteTimeUtc(directory) > lastWrite) lastWrite = Directory.GetLastWriteTimeUtc(directory);
            if (DateTime.UtcNow - lastWrite < TimeSpan.FromMinutes(10)) continue;
            TryDelete(directory);
        }
    }

    private static bool ServerRuns(string pidFile)
    {
        try
        {
            var firstLine = File.ReadLines(pidFile).FirstOrDefault();
            if (!int.TryParse(firstLine, out var pid)) return false;
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void TryDelete(string directory)
    {
        // The server's last files can still be closing when pg_ctl returns; a few attempts cover that.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(100);
            }
        }
    }

    private static Task PgCtlAsync(params string[] args) =>
        RunAsPostgresAsync(Path.Combine(BinDirectory, "pg_ctl"), [.. args.Take(1), "-D", _dataDirectory!, .. args.Skip(1)]);

    private static bool IsRoot => Environment.UserName == "root";

    private static Task RunAsPostgresAsync(string program, params string[] args) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. args]) : RunAsync(program, args);

    private static async Task RunAsync(string program, params string[] args)
    {
        var run = await ChildProcess.RunAsync(program, args, TimeSpan.FromMinutes(2), new ChildProcessOptions { WorkingDirectory = Path.GetTempPath(), CloseStandardInput = true });
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {run.ExitCode}: {run.StandardError}{run.StandardOutput}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
