using LogPipe.Hosting.EntityFrameworkCore;

// Extension methods live where users look for them.
#pragma warning disable IDE0130
namespace Microsoft.EntityFrameworkCore;
#pragma warning restore IDE0130

/// <summary>Adds LogPipe's tables to an application's own DbContext, so the application's migrations carry them.</summary>
public static class LogPipeModelBuilderExtensions
{
    /// <summary>
    /// Configures LogPipe's checkpoint, shard-lease, dead-letter, outbox and received-outbox-record tables. Call once from <c>OnModelCreating</c>:
    /// <code>modelBuilder.ApplyLogPipeConfiguration();</code>
    /// </summary>
    /// <param name="modelBuilder">The model builder.</param>
    /// <param name="schema">The schema for LogPipe's tables, or <see langword="null"/> for the default schema.</param>
    /// <returns>The model builder.</returns>
    public static ModelBuilder ApplyLogPipeConfiguration(this ModelBuilder modelBuilder, string? schema = null)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<LogPipeCheckpoint>(e =>
        {
            e.ToTable("LogPipeCheckpoints", schema);
            e.HasKey(c => new { c.ConsumerGroup, c.Transport, c.Stream, c.Partition });
            e.Property(c => c.ConsumerGroup).HasMaxLength(200);
            e.Property(c => c.Transport).HasMaxLength(100);
            e.Property(c => c.Stream).HasMaxLength(255);
            e.Property(c => c.Partition).HasMaxLength(128);
            e.Property(c => c.SequenceNumber).HasMaxLength(128);
        });
        modelBuilder.Entity<LogPipeShardLease>(e =>
        {
            e.ToTable("LogPipeShardLeases", schema);
            e.HasKey(l => new { l.ConsumerGroup, l.Transport, l.Stream, l.Shard });
            e.Property(l => l.ConsumerGroup).HasMaxLength(200);
            e.Property(l => l.Transport).HasMaxLength(100);
            e.Property(l => l.Stream).HasMaxLength(255);
            e.Property(l => l.Shard).HasMaxLength(128);
            e.Property(l => l.Owner).HasMaxLength(200);
            e.Property(l => l.WantedBy).HasMaxLength(200);
        });
        modelBuilder.Entity<LogPipeDeadLetter>(e =>
        {
            e.ToTable("LogPipeDeadLetters", schema);
            e.HasKey(d => d.Id);
            e.Property(d => d.ConsumerGroup).HasMaxLength(200);
            e.Property(d => d.Transport).HasMaxLength(100);
            e.Property(d => d.Stream).HasMaxLength(255);
            e.Property(d => d.Partition).HasMaxLength(128);
            e.Property(d => d.SequenceNumber).HasMaxLength(128);
            e.Property(d => d.MessageType).HasMaxLength(255);
            e.Property(d => d.ErrorKind).HasMaxLength(64);
            e.HasIndex(d => new { d.ConsumerGroup, d.Stream, d.Partition, d.Offset });
        });
        modelBuilder.Entity<LogPipeOutboxReceived>(e =>
        {
            e.ToTable("LogPipeOutboxReceived", schema);
            e.HasKey(r => new { r.ConsumerGroup, r.Source, r.Sequence });
            e.Property(r => r.ConsumerGroup).HasMaxLength(200);
            e.HasIndex(r => new { r.ConsumerGroup, r.AppliedAt });
        });
        modelBuilder.Entity<LogPipeOutboxEntry>(e =>
        {
            e.ToTable("LogPipeOutbox", schema);
            e.HasKey(o => o.Id);
            // SQLite: AUTOINCREMENT, so an id is never handed out twice, even after the highest row was relayed and deleted;
            // consumers recognise copies by it.
            e.Property(o => o.Id).ValueGeneratedOnAdd().HasAnnotation("Sqlite:Autoincrement", true);
            e.Property(o => o.Topic).HasMaxLength(255);
            e.Property(o => o.Key).HasMaxLength(1024);
            e.Property(o => o.MessageType).HasMaxLength(255);
            e.Property(o => o.LastError).HasMaxLength(2000);
        });
        modelBuilder.Entity<LogPipeOutboxLease>(e =>
        {
            e.ToTable("LogPipeOutboxLease", schema);
            e.HasKey(l => l.Name);
            e.Property(l => l.Name).HasMaxLength(100);
            e.Property(l => l.Owner).HasMaxLength(200);
            e.Property(l => l.SourceId).HasMaxLength(36);
        });
        return modelBuilder;
    }
}
