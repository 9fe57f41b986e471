using System.Text.Json;
using System.Text.RegularExpressions;
using LogPipe.Cli.Tests.Support;
using LogPipe.Hosting;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Operations;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LogPipe.Cli.Tests;

/// <summary>
/// <c>leases list</c>, <c>leases release</c> and the lease columns of <c>offsets list</c>, on a SQLite file whose lease rows
/// the library's own lease store wrote, as instances of the service would.
/// </summary>
public sealed class LeasesCommandTests : IDisposable
{
    private const string Transport = "kinesis:us-east-1";
    private const string Stream = "people";
    private const string Shard0 = "shardId-000000000000";
    private const string Shard1 = "shardId-000000000001";
    private const string Timestamp = @"\d{4}-\d\d-\d\dT[\d:.]+Z";

    private readonly CliWorkspace _workspace;
    private readonly List<ServiceProvider> _instances = [];

    public LeasesCommandTests()
    {
        _workspace = CliWorkspace.Create(bootstrapServers: null);
        _workspace.WriteConfig(new
        {
            LogPipe = new
            {
                Transport = "Kinesis",
                ConsumerGroup = CliWorkspace.Group,
                Kinesis = new { Region = "us-east-1", Leases = new { Duration = "00:00:30" } },
                Admin = new { Provider = "sqlite", ConnectionString = $"Data Source={_workspace.DatabasePath}" },
            },
        });
    }

    public void Dispose()
    {
        foreach (var instance in _instances) instance.Dispose();
        _workspace.Dispose();
    }

    private static PartitionKey Key(string shard) => new(Transport, Stream, shard);

    private static void AssertLine(string pattern, string output) =>
        Assert.True(Regex.IsMatch(output, pattern, RegexOptions.Multiline), $"No line matches {pattern} in:\n{output}");

    /// <summary>A service instance's checkpoint store on the workspace database, whose clock stands at <paramref name="now"/>.</summary>
    private ICheckpointStore Instance(DateTimeOffset now)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(now))
            .AddDbContext<TestDb>(o => o.UseSqlite($"Data Source={_workspace.DatabasePath};Pooling=False"))
            .AddLogPipe(lp => lp.UseEntityFrameworkOffsets<TestDb>(), o => o.ConsumerGroup = CliWorkspace.Group)
            .BuildServiceProvider();
        _instances.Add(services);
        return services.GetRequiredService<ICheckpointStore>();
    }

    /// <summary>Adds leases for both shards and has an instance take shard 0 at <paramref name="takenAt"/>; shard 1 stays free.</summary>
    private async Task<ICheckpointStore> HolderOfShard0Async(DateTimeOffset takenAt)
    {
        var holder = Instance(takenAt);
        var leases = holder.ShardLeases!;
        await leases.AddAsync([Key(Shard0), Key(Shard1)], CancellationToken.None);
        var free = (await leases.ListAsync(Transport, Stream, CancellationToken.None)).Single(l => l.Shard.Partition == Shard0);
        Assert.True(await leases.TryTakeAsync(free, CancellationToken.None));
        return holder;
    }

    private async Task<List<LogPipeShardLease>> LeaseRowsAsync()
    {
        await using var db = _workspace.Db();
        return await db.Set<LogPipeShardLease>().AsNoTracking().OrderBy(l => l.Shard).ToListAsync();
    }

    private async Task CommitCheckpointAsync(ICheckpointStore store, long nextOffset)
    {
        await using var scope = _instances[^1].CreateAsyncScope();
        await using var unit = await store.BeginAsync(scope.ServiceProvider, CancellationToken.None);
        await unit.CommitAsync([new CheckpointUpdate(Key(Shard0), new Checkpoint(nextOffset, "4959"))], CancellationToken.None);
    }

    [Fact]
    public async Task Leases_list_shows_every_lease_with_its_holder_or_free_as_a_table_and_as_json()
    {
        var holder = await HolderOfShard0Async(DateTimeOffset.UtcNow);
        var owner = holder.ShardLeases!.Owner;

        var table = (await _workspace.RunAsync("leases", "list")).Expect(ExitCodes.Success).Out;
        var json = (await _workspace.RunAsync("leases", "list", "--group", CliWorkspace.Group, "--stream", Stream, "--json")).Expect(ExitCodes.Success).Out;
        var other = (await _workspace.RunAsync("leases", "list", "--stream", "orders")).Expect(ExitCodes.Success).Out;

        Assert.Contains("GROUP", table, StringComparison.Ordinal);
        Assert.Contains("HOLDER", table, StringComparison.Ordinal);
        Assert.Contains("LAST RENEWED", table, StringComparison.Ordinal);
        AssertLine($@"^{CliWorkspace.Group}\s+{Transport}\s+{Stream}\s+{Shard0}\s+{Regex.Escape(owner)}\s+1\s+1\s+no\s+{Timestamp}\s+-$", table);
        AssertLine($@"^{CliWorkspace.Group}\s+{Transport}\s+{Stream}\s+{Shard1}\s+free\s+0\s+0\s+no\s+{Timestamp}\s+-$", table);
        var rows = JsonDocument.Parse(json).RootElement.GetProperty("leases").EnumerateArray().ToDictionary(r => r.GetProperty("shard").GetString()!);
        Assert.Equal(owner, rows[Shard0].GetProperty("owner").GetString());
        Assert.Equal(1, rows[Shard0].GetProperty("epoch").GetInt64());
        Assert.Equal(JsonValueKind.Null, rows[Shard1].GetProperty("owner").ValueKind);
        Assert.False(rows[Shard1].GetProperty("finished").GetBoolean());
        Assert.True(rows[Shard1].TryGetProperty("lastRenewed", out _));
        Assert.Contains("No shard leases stored for stream 'orders'", other, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leases_list_shows_the_instance_that_asked_the_holder_to_hand_a_lease_over_in_the_table_and_the_json()
    {
        var holder = await HolderOfShard0Async(DateTimeOffset.UtcNow);
        var asking = Instance(DateTimeOffset.UtcNow).ShardLeases!;
        var held = (await asking.ListAsync(Transport, Stream, CancellationToken.None)).Single(l => l.Shard.Partition == Shard0);
        Assert.True(await asking.RequestAsync(held, CancellationToken.None));

        var table = (await _workspace.RunAsync("leases", "list")).Expect(ExitCodes.Success).Out;
        var json = (await _workspace.RunAsync("leases", "list", "--json")).Expect(ExitCodes.Success).Out;

        Assert.Contains("WANTED BY", table, StringComparison.Ordinal);
        AssertLine($@"^{CliWorkspace.Group}\s+{Transport}\s+{Stream}\s+{Shard0}\s+{Regex.Escape(holder.ShardLeases!.Owner)}\s+1\s+1\s+no\s+{Timestamp}\s+{Regex.Escape(asking.Owner)}$", table);
        AssertLine($@"^{CliWorkspace.Group}\s+{Transport}\s+{Stream}\s+{Shard1}\s+free\s+0\s+0\s+no\s+{Timestamp}\s+-$", table);
        var rows = JsonDocument.Parse(json).RootElement.GetProperty("leases").EnumerateArray().ToDictionary(r => r.GetProperty("shard").GetString()!);
        Assert.Equal(asking.Owner, rows[Shard0].GetProperty("wantedBy").GetString());
        Assert.Equal(holder.ShardLeases!.Owner, rows[Shard0].GetProperty("owner").GetString());
        Assert.Equal(JsonValueKind.Null, rows[Shard1].GetProperty("wantedBy").ValueKind);
    }

    [Fact]
    public async Task Leases_release_frees_an_expired_lease_and_moves_its_epoch_on_and_leaves_a_free_one_alone()
    {
        await HolderOfShard0Async(DateTimeOffset.UtcNow.AddMinutes(-5));

        var result = (await _workspace.RunAsync("leases", "release", "--stream", Stream, "--all")).Expect(ExitCodes.Success);

        Assert.Contains($"Shard '{Shard0}' of stream '{Stream}': freed", result.Out, StringComparison.Ordinal);
        Assert.Contains($"Shard '{Shard1}' of stream '{Stream}': already free", result.Out, StringComparison.Ordinal);
        var rows = await LeaseRowsAsync();
        Assert.All(rows, r => Assert.Null(r.Owner));
        Assert.Equal([2L, 0L], rows.Select(r => r.Epoch));
        Assert.Equal([2L, 0L], rows.Select(r => r.LeaseCounter));
    }

    [Fact]
    public async Task Leases_release_refuses_a_lease_renewed_within_the_lease_duration_unless_forced()
    {
        var holder = await HolderOfShard0Async(DateTimeOffset.UtcNow);

        var refused = (await _workspace.RunAsync("leases", "release", "--stream", Stream, "--shard", Shard0)).Expect(ExitCodes.Refused);
        var wrongOwner = (await _workspace.RunAsync("leases", "release", "--stream", Stream, "--shard", Shard0, "--owner", "someone-else", "--force"))
            .Expect(ExitCodes.Conflict);

        Assert.Contains("LogPipe:Kinesis:Leases:Duration = 00:00:30", refused.Error, StringComparison.Ordinal);
        Assert.Contains(holder.ShardLeases!.Owner, refused.Error, StringComparison.Ordinal);
        Assert.Contains("Stop it first, or force the release (its next checkpoint write is then fenced and it gives the shard up). Nothing was changed. To force it, pass --force.", refused.Error, StringComparison.Ordinal);
        Assert.Contains("not by 'someone-else'", wrongOwner.Error, StringComparison.Ordinal);
        var lease = (await LeaseRowsAsync())[0];
        Assert.Equal(holder.ShardLeases!.Owner, lease.Owner);
        Assert.Equal(1, lease.Epoch);
        Assert.True(await holder.ShardLeases!.RenewAsync(Key(Shard0), CancellationToken.None));
    }

    [Fact]
    public async Task Leases_release_with_force_fences_the_old_holders_next_checkpoint_write()
    {
        var holder = await HolderOfShard0Async(DateTimeOffset.UtcNow);
        await CommitCheckpointAsync(holder, 5);

        (await _workspace.RunAsync("leases", "release", "--stream", Stream, "--shard", Shard0, "--owner", holder.ShardLeases!.Owner, "--force"))
            .Expect(ExitCodes.Success);

        await Assert.ThrowsAsync<CheckpointConflictException>(() => CommitCheckpointAsync(holder, 9));
        Assert.False(await holder.ShardLeases!.RenewAsync(Key(Shard0), CancellationToken.None));
        Assert.Equal(5, (await _workspace.CheckpointsAsync()).Single().NextOffset);
        var lease = (await LeaseRowsAsync())[0];
        Assert.Null(lease.Owner);
        Assert.Equal(2, lease.Epoch);
    }

    [Fact]
    public async Task A_release_that_loses_the_race_to_a_renewal_changes_nothing()
    {
        var holder = await HolderOfShard0Async(DateTimeOffset.UtcNow.AddMinutes(-5));
        var options = new DbContextOptionsBuilder<AdminDbContext>().UseSqlite($"Data Source={_workspace.DatabasePath};Pooling=False").Options;
        await using var db = new AdminDbContext(options, schema: null);
        var row = (await LeaseRowsAsync())[0];
        var observed = new ShardLeaseStatus(row.ConsumerGroup, row.Transport, row.Stream, row.Shard, row.Owner, row.LeaseCounter, row.Epoch, row.Finished, row.UpdatedAt);

        // The holder renews between the tool's read and its write.
        Assert.True(await holder.ShardLeases!.RenewAsync(Key(Shard0), CancellationToken.None));

        Assert.False(await ShardLeaseTable.TryReleaseAsync(db, observed, DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal(holder.ShardLeases!.Owner, (await LeaseRowsAsync())[0].Owner);
        Assert.True(await ShardLeaseTable.TryReleaseAsync(db, observed with { Counter = observed.Counter + 1 }, DateTimeOffset.UtcNow, CancellationToken.None));
    }

    [Fact]
    public async Task Offsets_list_shows_the_lease_of_each_kinesis_checkpoint()
    {
        var holder = await HolderOfShard0Async(DateTimeOffset.UtcNow);
        await CommitCheckpointAsync(holder, 5);
        await _workspace.AddCheckpointAsync(Stream, Shard1, 3, transport: Transport, sequence: "4960");

        var table = (await _workspace.RunAsync("offsets", "list")).Expect(ExitCodes.Success).Out;
        var json = (await _workspace.RunAsync("offsets", "list", "--json")).Expect(ExitCodes.Success).Out;

        Assert.Contains("HOLDER", table, StringComparison.Ordinal);
        Assert.Contains("COUNTER  EPOCH  FINISHED  LAST RENEWED", table, StringComparison.Ordinal);
        AssertLine($@"{Transport}\s+{Stream}\s+{Shard0}\s+5\s+4959\s+{Regex.Escape(holder.ShardLeases!.Owner)}\s+1\s+1\s+no\s+{Timestamp}\s+1\s+{Timestamp}", table);
        AssertLine($@"{Transport}\s+{Stream}\s+{Shard1}\s+3\s+4960\s+free\s+0\s+0\s+no\s+{Timestamp}\s+1\s+{Timestamp}", table);
        var rows = JsonDocument.Parse(json).RootElement.GetProperty("offsets").EnumerateArray().ToDictionary(r => r.GetProperty("partition").GetString()!);
        Assert.Equal(holder.ShardLeases!.Owner, rows[Shard0].GetProperty("leaseHolder").GetString());
        Assert.Equal(1, rows[Shard0].GetProperty("leaseEpoch").GetInt64());
        Assert.Equal("free", rows[Shard1].GetProperty("leaseHolder").GetString());
    }

    [Fact]
    public async Task Offsets_list_on_a_database_without_a_lease_table_shows_no_lease_columns()
    {
        await _workspace.AddCheckpointAsync(Stream, Shard0, 3, transport: Transport, sequence: "4960");
        await using (var db = _workspace.Db())
        {
            // A service database from before shard leases.
            await db.Database.ExecuteSqlRawAsync("DROP TABLE LogPipeShardLeases");
        }

        var result = (await _workspace.RunAsync("offsets", "list")).Expect(ExitCodes.Success);

        Assert.DoesNotContain("HOLDER", result.Out, StringComparison.Ordinal);
        AssertLine($@"{Transport}\s+{Stream}\s+{Shard0}\s+3\s+4960\s+1\s+{Timestamp}", result.Out);
        Assert.Equal("", result.Error);
    }
}
