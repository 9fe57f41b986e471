using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.ExecutionStrategy;

/// <summary>
/// The data-only unit of work of <c>UseEntityFrameworkTransactions&lt;TDbContext&gt;()</c> (checkpoints kept elsewhere, e.g.
/// Kafka group offsets) on PostgreSQL with <c>EnableRetryOnFailure()</c>.
/// </summary>
public sealed class PostgresRetryOnFailureTransactionFactoryTests
{
    [Fact]
    public async Task With_EnableRetryOnFailure_a_data_only_unit_of_work_reads_saves_and_commits_inside_the_strategy()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using var services = new ServiceCollection()
            .AddDbContext<TestDb>(o => o.UseNpgsql(connectionString, n => n.EnableRetryOnFailure(maxRetryCount: 3, maxRetryDelay: TimeSpan.FromMilliseconds(50), errorCodesToAdd: null)))
            .BuildServiceProvider();
        await using (var setup = services.CreateAsyncScope())
        {
            await setup.ServiceProvider.GetRequiredService<TestDb>().Database.EnsureCreatedAsync();
        }

        var factory = new EntityFrameworkTransactionFactory<TestDb>(Options.Create(new LogPipeOptions { ConsumerGroup = "tests" }));
        var joe = Guid.NewGuid();
        await using (var scope = services.CreateAsyncScope())
        {
            var work = await factory.BeginAsync(scope.ServiceProvider, CancellationToken.None);
            await using (work)
            {
                await work.RunAsync(
                    async ct =>
                    {
                        var db = scope.ServiceProvider.GetRequiredService<TestDb>();
                        await work.BeginRecordAsync(ct);
                        Assert.False(await db.People.AnyAsync(p => p.Uuid == joe, ct));
                        db.People.Add(new Person { Uuid = joe, FirstName = "Joe", LastName = "Schmoe", Applied = 1 });
                        await work.CompleteRecordAsync(ct);
                        await work.CommitAsync([], ct);
                    },
                    CancellationToken.None);
            }
        }

        await using var check = services.CreateAsyncScope();
        Assert.Equal(joe, Assert.Single(await check.ServiceProvider.GetRequiredService<TestDb>().People.AsNoTracking().ToListAsync()).Uuid);
    }
}
