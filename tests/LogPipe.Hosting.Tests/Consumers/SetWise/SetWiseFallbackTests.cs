using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.Tests.Consumers.SetWise;

/// <summary>A batch that throws is rolled back and its records applied one by one: only the poison record is dead-lettered.</summary>
public sealed class SetWiseFallbackTests
{
    [Theory]
    [InlineData(TemporaryDatabase.SqliteProvider)]
    [InlineData(TemporaryDatabase.PostgresProvider)]
    public async Task A_batch_that_throws_falls_back_record_by_record_and_only_the_poison_record_is_dead_lettered(string provider)
    {
        using var database = await TemporaryDatabase.CreateAsync(provider);
        var journal = new SetSaveJournal { PoisonLastName = "Poison" };
        var path = database.SqlitePath ?? TestApp.NewDatabasePath();
        await using var app = SetWiseSaveTests.CreateApp(path, database.SqlitePath is null ? database.ConnectionString : null, journal);
        var uuids = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        for (var i = 0; i < uuids.Count; i++) SetWiseSaveTests.Append(app, 2, uuids[i], "First", i == 7 ? "Poison" : $"Last{i}");

        Assert.Equal(20, await app.Runner.DrainAsync());

        var stored = await app.PeopleAsync();
        Assert.Equal(uuids.Where((_, i) => i != 7).Order(), stored.Select(p => p.Uuid).Order());
        Assert.All(stored, p => Assert.Equal(1, p.Applied));
        var deadLetter = Assert.Single(await app.DeadLettersAsync());
        Assert.Contains(uuids[7].ToString(), deadLetter.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == LogEvents.BatchFellBack);
        Assert.True(journal.PerRecordSaves >= 20, $"{journal.PerRecordSaves} per-record saves");
        Assert.Equal(20, (await app.CheckpointsAsync()).Single().NextOffset);
    }
}
