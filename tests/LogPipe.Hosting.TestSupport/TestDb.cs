using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.TestSupport;

public sealed class TestDb(DbContextOptions<TestDb> options) : DbContext(options)
{
    public DbSet<Person> People => Set<Person>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Person>().HasIndex(p => p.Uuid).IsUnique();
        modelBuilder.ApplyLogPipeConfiguration();
    }
}
