using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// The tool's own DbContext: only LogPipe's checkpoint and dead-letter tables, mapped exactly as the service maps them
/// with <c>ApplyLogPipeConfiguration(schema)</c>.
/// </summary>
internal sealed class AdminDbContext : DbContext
{
    public AdminDbContext(DbContextOptions<AdminDbContext> options, string? schema)
        : base(options) => Schema = schema;

    /// <summary>The schema of LogPipe's tables, or <see langword="null"/> for the database's default.</summary>
    public string? Schema { get; }

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.ReplaceService<IModelCacheKeyFactory, SchemaModelCacheKeyFactory>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyLogPipeConfiguration(Schema);

    /// <summary>EF caches one model per context type; the schema is part of this one's model.</summary>
    private sealed class SchemaModelCacheKeyFactory : IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime) =>
            (context.GetType(), (context as AdminDbContext)?.Schema, designTime);
    }
}
