using Microsoft.EntityFrameworkCore;

namespace LogPipe.Sample.Data;

/// <summary>The sample's database: its own people, the replicas, and LogPipe's checkpoint and dead-letter tables.</summary>
public sealed class SampleDbContext(DbContextOptions<SampleDbContext> options) : DbContext(options)
{
    public DbSet<Person> People => Set<Person>();

    public DbSet<PersonReplica> Replicas => Set<PersonReplica>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Person>(e =>
        {
            e.HasIndex(p => p.Uuid).IsUnique();
            e.Property(p => p.FirstName).HasMaxLength(200);
            e.Property(p => p.LastName).HasMaxLength(200);
            e.Property(p => p.Email).HasMaxLength(320);
        });
        modelBuilder.Entity<PersonReplica>(e =>
        {
            e.HasIndex(p => p.Uuid).IsUnique();
            e.Property(p => p.FirstName).HasMaxLength(200);
            e.Property(p => p.LastName).HasMaxLength(200);
            e.Property(p => p.Email).HasMaxLength(320);
        });
        modelBuilder.ApplyLogPipeConfiguration();
    }
}
