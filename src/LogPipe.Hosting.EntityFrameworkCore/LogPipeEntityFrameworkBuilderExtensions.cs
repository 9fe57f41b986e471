using LogPipe.Hosting;
using LogPipe.Hosting.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

// Extension methods live where users look for them.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Keeps LogPipe's checkpoints and dead letters in the application's own DbContext.</summary>
public static class LogPipeEntityFrameworkBuilderExtensions
{
    /// <summary>
    /// Stores checkpoints and dead letters in <typeparamref name="TDbContext"/>, committed in the same transaction as the
    /// records' effects: effects are exactly-once for that database. The DbContext must be registered (<c>AddDbContext</c>)
    /// and call <c>modelBuilder.ApplyLogPipeConfiguration()</c> in <c>OnModelCreating</c>.
    /// </summary>
    /// <typeparam name="TDbContext">The application's DbContext.</typeparam>
    /// <param name="builder">The LogPipe builder.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// Also registers <see cref="DeadLetterStore{TDbContext}"/> and <see cref="CheckpointEditor{TDbContext}"/> for operators' tools,
    /// and <see cref="DeadLetterReplayService{TDbContext}"/>, which replays the dead letters marked with
    /// <c>logpipe dead-letters replay</c> (settings in <c>LogPipe:DeadLetters</c>, see <see cref="DeadLetterReplayOptions"/>).
    /// </remarks>
    public static LogPipeBuilder UseEntityFrameworkOffsets<TDbContext>(this LogPipeBuilder builder)
        where TDbContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<DeadLetterStore<TDbContext>>();
        builder.Services.TryAddSingleton<CheckpointEditor<TDbContext>>();
        var replay = builder.Services.AddOptions<DeadLetterReplayOptions>();
        var path = $"{LogPipeOptions.SectionName}:{DeadLetterReplayOptions.SectionName}";
        IConfiguration? section = null;
        if (builder.Configuration is { } configuration)
        {
            var replaySection = configuration.GetSection(DeadLetterReplayOptions.SectionName);
            section = replaySection;
            path = replaySection.Path;
            replay.Configure(o => SectionBinder.Bind(replaySection, o, replaySection.Path));
        }

        replay.Validate(o => o.ReplayPoll > TimeSpan.Zero, $"{path}:{SectionBinder.KeyFor(section, nameof(DeadLetterReplayOptions.ReplayPoll))} must be a positive time span, for example 00:00:05.")
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DeadLetterReplayService<TDbContext>>());
        return builder.UseCheckpointStore<EntityFrameworkCheckpointStore<TDbContext>>();
    }
}
