using LogPipe.Cli.Tests.Support;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LogPipe.Cli.Tests;

/// <summary><c>offsets set</c> racing a consumer's commit on a real PostgreSQL server, the race made certain by a row lock.</summary>
public sealed class OffsetsSetRaceTests : IDisposable
{
    private readonly CliWorkspace _workspace = CliWorkspace.Create();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task A_consumer_commit_between_the_tools_read_and_write_is_exit_code_6_and_the_commit_is_kept()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using (var db = Db(connectionString))
        {
            await db.Database.EnsureCreatedAsync();
            db.Add(new LogPipeCheckpoint { ConsumerGroup = CliWorkspace.Group, Transport = "memory", Stream = "people", Partition = "0", NextOffset = 10, Version = 3 });
            await db.SaveChangesAsync();
        }

        // The consumer's unit of work has written its checkpoint and not yet committed: the row is locked.
        await using var consumer = new NpgsqlConnection(connectionString);
        await consumer.OpenAsync();
        await using var unitOfWork = await consumer.BeginTransactionAsync();
        await using (var commit = new NpgsqlCommand(
            """UPDATE "LogPipeCheckpoints" SET "NextOffset" = 12, "Version" = "Version" + 1 WHERE "ConsumerGroup" = 'people-replica' AND "Partition" = '0'""",
            consumer, unitOfWork))
        {
            Assert.Equal(1, await commit.ExecuteNonQueryAsync());
        }

        using var tool = _workspace.Start("offsets", "set", "-s", "people", "-p", "0", "--offset", "4", "--provider", "postgres", "--connection-string", connectionString);
        await Eventually.TrueAsync(() => WritesWaitingForALockAsync(connectionString), LogPipeProcess.Patience, "the tool's write waits for the consumer's row lock");
        await unitOfWork.CommitAsync();

        var exitCode = await tool.WaitForExitAsync();
        Assert.True(exitCode == ExitCodes.Conflict, $"exit code {exitCode}\nstdout:\n{tool.StandardOutput}\nstderr:\n{tool.StandardError}");
        Assert.Contains("The checkpoint of memory/people/0 for consumer group 'people-replica' changed while it was being set: expected version 3, found version 4.",
            tool.StandardError, StringComparison.Ordinal);
        Assert.Contains("Run 'logpipe offsets list'", tool.StandardError, StringComparison.Ordinal);
        await using (var db = Db(connectionString))
        {
            var row = await db.Set<LogPipeCheckpoint>().AsNoTracking().SingleAsync();
            Assert.Equal((12L, 4L), (row.NextOffset, row.Version));
        }
    }

    private static TestDb Db(string connectionString) => new(new DbContextOptionsBuilder<TestDb>().UseNpgsql(connectionString).Options);

    private static async Task<bool> WritesWaitingForALockAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%UPDATE%LogPipeCheckpoints%'",
            connection);
        return (long)(await query.ExecuteScalarAsync())! > 0;
    }
}
