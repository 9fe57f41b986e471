using System.Text;
using LogPipe.Hosting.EntityFrameworkCore.Outbox;
using LogPipe.Hosting.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.EntityFrameworkCore.Tests.Outbox;

/// <summary>
/// The relay's reads and deletes on the outbox table: the next batch is read while one is in flight, without reading the
/// batch in flight again, and without passing over an entry that committed late with an id inside its range.
/// </summary>
public sealed class OutboxBatchReaderTests
{
    private static readonly Dictionary<string, string?> NoRelay = new() { ["LogPipe:Outbox:DisableRelay"] = "true" };

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task The_next_batch_leaves_out_the_batch_in_flight_and_starts_after_it(string provider)
    {
        await using var harness = await OutboxHarness.CreateAsync(provider);
        var app = await harness.StartAppAsync(NoRelay);
        await InsertAsync(app, 1, 2, 3, 4, 5);

        var first = await app.QueryAsync(db => OutboxBatchReader.ReadAsync(db, 2, null));
        var second = await app.QueryAsync(db => OutboxBatchReader.ReadAsync(db, 2, first!.Rows));

        Assert.Equal([1L, 2L], first!.Rows.Select(r => r.Id));
        Assert.Equal([3L, 4L], second!.Rows.Select(r => r.Id));
    }

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task An_entry_committed_late_inside_the_id_range_of_the_batch_in_flight_is_read_before_later_ones(string provider)
    {
        await using var harness = await OutboxHarness.CreateAsync(provider);
        var app = await harness.StartAppAsync(NoRelay);
        await InsertAsync(app, 10, 11, 13);
        var inFlight = await app.QueryAsync(db => OutboxBatchReader.ReadAsync(db, 3, null));

        // While that batch is in flight, the transaction that took id 12 commits, then a later one (id 14).
        await InsertAsync(app, 12, 14);
        var next = await app.QueryAsync(db => OutboxBatchReader.ReadAsync(db, 3, inFlight!.Rows));

        Assert.Equal([10L, 11L, 13L], inFlight!.Rows.Select(r => r.Id));
        Assert.Equal([12L, 14L], next!.Rows.Select(r => r.Id));
    }

    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task Deleting_acknowledged_entries_keeps_an_entry_between_their_ids(string provider)
    {
        await using var harness = await OutboxHarness.CreateAsync(provider);
        var app = await harness.StartAppAsync(NoRelay);
        await InsertAsync(app, 1, 2, 3, 5, 6, 7, 8);
        var rows = await harness.OutboxAsync(app);

        await app.QueryAsync(async db =>
        {
            await OutboxRelayStore.DeleteAsync(db, [rows[0], rows[2]], CancellationToken.None);
            await OutboxRelayStore.DeleteAsync(db, [rows[3], rows[4], rows[5]], CancellationToken.None);
            return 0;
        });

        Assert.Equal([2L, 8L], (await harness.OutboxAsync(app)).Select(r => r.Id));
    }

    private static Task InsertAsync(TestApp app, params long[] ids) => app.QueryAsync(async db =>
    {
        foreach (var id in ids)
        {
            db.Add(new LogPipeOutboxEntry
            {
                Id = id,
                Topic = OutboxHarness.Topic,
                Key = "k" + id,
                Value = Encoding.UTF8.GetBytes("json:{}"),
                MessageType = "person",
                Version = 2,
                CreatedAt = DateTimeOffset.UtcNow,
            });
        }

        return await db.SaveChangesAsync();
    });
}
