using Microsoft.EntityFrameworkCore;

namespace LogPipe.Hosting.FaultInjection.Worker.Outbox;

/// <summary>The writing service's database: its people, the history of their committed changes, and LogPipe's tables (the outbox among them).</summary>
public sealed class WriterDb(DbContextOptions<WriterDb> options) : DbContext(options)
{
    public DbSet<WrittenPerson> People => Set<WrittenPerson>();

    public DbSet<PersonChange> Changes => Set<PersonChange>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyLogPipeConfiguration();
}
