using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.ExecutionStrategy;

/// <summary>
/// The checkpoint editor (<c>logpipe offsets set</c>) on PostgreSQL with <c>EnableRetryOnFailure()</c>, whose strategy runs a
/// statement again when the connection drops before its answer arrives.
/// </summary>
public sealed class PostgresRetryOnFailureEditorTests
{
    [Fact]
    public async Task A_checkpoint_move_that_landed_but_lost_its_answer_is_not_reported_as_a_conflict_with_itself()
    {
        var lost = new LostAnswers();
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using var services = new ServiceCollection()
            .AddDbContext<TestDb>(o => o
                .UseNpgsql(connectionString, n => n.EnableRetryOnFailure(maxRetryCount: 3, maxRetryDelay: TimeSpan.FromMilliseconds(50), errorCodesToAdd: null))
                .AddInterceptors(lost))
            .BuildServiceProvider();
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TestDb>().Database.EnsureCreatedAsync();
        }

        var editor = new CheckpointEditor<TestDb>(
            services.GetRequiredService<IServiceScopeFactory>(), Options.Create(new LogPipeOptions { ConsumerGroup = "tests" }), TimeProvider.System);
        var partition = new PartitionKey("kafka", "people", "0");

        lost.Remaining = 1;
        var created = await editor.SetAsync(partition, new Checkpoint(5, null), expectedVersion: 0);
        Assert.Equal(0, lost.Remaining);
        lost.Remaining = 1;
        var moved = await editor.SetAsync(partition, new Checkpoint(2, null), expectedVersion: created.Version);
        Assert.Equal(0, lost.Remaining);

        var stored = Assert.Single(await editor.ListAsync());
        Assert.Equal((2L, 2L), (moved.NextOffset, moved.Version));
        Assert.Equal((2L, 2L), (stored.NextOffset, stored.Version));
    }
}
