using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Operations;

/// <summary>
/// The operator's actions on a service built on LogPipe.Hosting, with their safety rules, for every front end (the
/// <c>logpipe</c> CLI, the dashboard): checkpoints with their lag, moving an offset, dead letters, the outbox and Kinesis
/// shard leases. Answers are typed; an action that does not happen throws an <see cref="OperationException"/> saying why
/// (<see cref="OperationException.Failure"/>) and what to do. The database, Kafka and Kinesis are reached on first use.
/// </summary>
public sealed class LogPipeOperations
{
    private readonly IConfiguration _configuration;
    private readonly Lazy<OperationsDatabase> _database;
    private readonly Lazy<KafkaConnection> _kafka;
    private readonly TimeProvider _time;

    private LogPipeOperations(
        IConfiguration configuration, string? consumerGroup, Func<OperationsDatabase> database, Func<KafkaConnection> kafka, TimeProvider time)
    {
        _configuration = configuration;
        ConsumerGroup = consumerGroup;
        _database = new(database);
        _kafka = new(kafka);
        _time = time;
    }

    /// <summary>The database holding LogPipe's tables (file, or host and database name), without credentials.</summary>
    /// <exception cref="OperationException">The database settings are missing or wrong.</exception>
    public string DatabaseDescription => Database.Description;

    /// <summary>
    /// The service's consumer group: inside the service the one it runs as; outside, <c>LogPipe:ConsumerGroup</c> when set
    /// (a service without it uses its entry assembly's name, which a tool cannot know).
    /// </summary>
    public string? ConsumerGroup { get; }

    internal OperationsDatabase Database => _database.Value;

    internal KafkaConnection Kafka => _kafka.Value;

    internal IConfiguration Configuration => _configuration;

    /// <summary>
    /// For a tool outside the service: the database from <paramref name="options"/> or <c>LogPipe:Admin</c>, the Kafka
    /// cluster and Kinesis from the service's <c>LogPipe:Kafka</c> and <c>LogPipe:Kinesis</c> settings.
    /// </summary>
    /// <param name="configuration">The service's configuration.</param>
    /// <param name="options">Values that win over the configuration's.</param>
    /// <returns>The operations.</returns>
    public static LogPipeOperations Create(IConfiguration configuration, LogPipeOperationsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options ??= new LogPipeOperationsOptions();
        return new LogPipeOperations(
            configuration,
            configuration.Setting("LogPipe:ConsumerGroup"),
            () => OperationsDatabase.Resolve(configuration, options.Provider, options.ConnectionString, options.Schema),
            () => KafkaConnection.Create(configuration, options.BootstrapServers, options.KafkaTimeout, options.KafkaLog),
            TimeProvider.System);
    }

    /// <summary>Inside the service: its own <typeparamref name="TDbContext"/>, configuration and clock.</summary>
    internal static LogPipeOperations ForService<TDbContext>(IServiceProvider services)
        where TDbContext : DbContext
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        return new LogPipeOperations(
            configuration,
            ConsumerGroupName.Resolve(services.GetRequiredService<IOptions<LogPipeOptions>>().Value),
            () => OperationsDatabase.ForService<TDbContext>(scopes),
            () => KafkaConnection.Create(configuration, EmbeddedBootstrapServers(configuration, services), TimeSpan.FromSeconds(10), null),
            services.GetService<TimeProvider>() ?? TimeProvider.System);
    }

    /// <summary>
    /// Inside a service on the embedded development broker (<c>LogPipe:Kafka:BootstrapServers = embedded</c>) that broker
    /// is reachable, unlike from another process: its address, so the dashboard can act on it; otherwise <see langword="null"/>.
    /// </summary>
    private static string? EmbeddedBootstrapServers(IConfiguration configuration, IServiceProvider services) =>
        string.Equals(configuration.Setting("LogPipe:Kafka:BootstrapServers"), KafkaOptions.Embedded, StringComparison.OrdinalIgnoreCase)
            ? services.GetService<EmbeddedKafkaBroker>()?.BootstrapServers
            : null;

    /// <summary>A consumer group's stored checkpoints, by transport, stream and partition.</summary>
    /// <param name="consumerGroup">The consumer group.</param>
    /// <param name="withLag">
    /// Also ask Kafka for each partition's end (the lag), and Kinesis how far each shard's checkpoint is behind its newest
    /// record; adds the partitions and shards that have no checkpoint yet.
    /// </param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>The checkpoints, with each Kinesis shard's lease where the database has one.</returns>
    public Task<IReadOnlyList<CheckpointStatus>> ListCheckpointsAsync(string consumerGroup, bool withLag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consumerGroup);
        return new CheckpointListing(_configuration, Database, () => Kafka).ListAsync(consumerGroup, withLag, cancellationToken);
    }

    /// <summary>
    /// Rewinds or skips one partition or shard. A Kafka position must lie inside the partition and a Kinesis sequence
    /// number must belong to the shard; unless forced, the move is refused while the Kafka consumer group has members (or
    /// that cannot be told); a checkpoint that changed since it was read is reported (<see cref="OperationFailure.Conflict"/>),
    /// never overwritten.
    /// </summary>
    /// <param name="request">What to move where.</param>
    /// <param name="cancellationToken">Cancels the move.</param>
    /// <returns>The checkpoint before and after.</returns>
    /// <exception cref="OperationException">The move was refused or failed; nothing was changed.</exception>
    public Task<OffsetMove> MoveOffsetAsync(OffsetMoveRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new OffsetMover(_configuration, ConsumerGroup, Database, () => Kafka, _time).MoveAsync(request, cancellationToken);
    }

    /// <summary>The selected dead letters, oldest first, and how many match in all.</summary>
    /// <param name="selection">Which dead letters.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The page.</returns>
    public Task<DeadLetterPage> ListDeadLettersAsync(DeadLetterSelection selection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return DeadLetters.ListAsync(selection, cancellationToken);
    }

    /// <summary>One dead letter, with its record.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The dead letter.</returns>
    /// <exception cref="OperationException">No dead letter has that id (<see cref="OperationFailure.NotFound"/>).</exception>
    public Task<LogPipeDeadLetter> GetDeadLetterAsync(long id, CancellationToken cancellationToken = default) => DeadLetters.GetAsync(id, cancellationToken);

    /// <summary>
    /// Asks the running service to replay the selected dead letters (only it has the serializers): marks them; its replay
    /// poll (<c>LogPipe:DeadLetters:ReplayPoll</c>) applies them, removing each one applied.
    /// </summary>
    /// <param name="selection">Which dead letters.</param>
    /// <param name="cancellationToken">Cancels the marking.</param>
    /// <returns>The dead letters marked, as they were; empty when none match.</returns>
    /// <exception cref="OperationException">An id asked for does not exist (<see cref="OperationFailure.NotFound"/>).</exception>
    public async Task<IReadOnlyList<MarkedDeadLetter>> RequestReplayAsync(DeadLetterSelection selection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return await DeadLetters.RequestReplayAsync(selection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the service has replayed each marked dead letter or its replay failed again, or until <paramref name="timeout"/>.</summary>
    /// <param name="marked">What <see cref="RequestReplayAsync"/> marked.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>What became of them.</returns>
    public Task<ReplayOutcome> WaitForReplayAsync(IReadOnlyList<MarkedDeadLetter> marked, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(marked);
        return new ReplayWatch(Database, _time).WaitAsync(marked, timeout, cancellationToken);
    }

    /// <summary>The ids of the selected dead letters, oldest first: what a purge of that selection would delete.</summary>
    /// <param name="selection">Which dead letters.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The ids.</returns>
    /// <exception cref="OperationException">An id asked for does not exist (<see cref="OperationFailure.NotFound"/>).</exception>
    public async Task<IReadOnlyList<long>> FindDeadLettersAsync(DeadLetterSelection selection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return await DeadLetters.FindAsync(selection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes dead letters for good: those <see cref="FindDeadLettersAsync"/> found and the operator confirmed.</summary>
    /// <param name="ids">Their ids.</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    /// <returns>How many were deleted.</returns>
    public Task<int> PurgeDeadLettersAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return DeadLetters.PurgeAsync(ids, cancellationToken);
    }

    /// <summary>The outbox's backlog, set-aside count, oldest waiting entry, source id and relay lease.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The statistics.</returns>
    public Task<OutboxStatistics> OutboxStatisticsAsync(CancellationToken cancellationToken = default) => new OutboxView(Database).StatsAsync(cancellationToken);

    /// <summary>Outbox entries in commit order.</summary>
    /// <param name="setAside"><see langword="true"/> for set-aside entries only, <see langword="false"/> for waiting ones only, <see langword="null"/> for both.</param>
    /// <param name="take">At most this many.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The entries and how many match in all.</returns>
    /// <exception cref="OperationException"><paramref name="take"/> is not positive (<see cref="OperationFailure.InvalidRequest"/>).</exception>
    public Task<OutboxPage> ListOutboxAsync(bool? setAside, int take, CancellationToken cancellationToken = default)
    {
        if (take <= 0) throw OperationException.Invalid($"The number of records to take must be positive, not {take}.");
        return new OutboxView(Database).ListAsync(setAside, take, cancellationToken);
    }

    /// <summary>The stored Kinesis shard leases, by group, transport, stream and shard.</summary>
    /// <param name="consumerGroup">Only this group's; <see langword="null"/> for every group's.</param>
    /// <param name="stream">Only this stream's.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The leases.</returns>
    /// <exception cref="OperationException">The database has no lease table (<see cref="OperationFailure.NotFound"/>).</exception>
    public async Task<IReadOnlyList<ShardLeaseStatus>> ListLeasesAsync(string? consumerGroup, string? stream, CancellationToken cancellationToken = default) =>
        await ShardLeaseTable.ListAsync(Database, consumerGroup, stream, cancellationToken).ConfigureAwait(false)
        ?? throw OperationException.NotFound(
            $"There is no shard lease table (LogPipeShardLeases) in {Database.Description}: the service's database is older than "
            + "Kinesis shard leases; add and apply a migration in the service.");

    /// <summary>
    /// Frees shard leases so another instance takes them; the old holder's next checkpoint write is fenced. Unless forced,
    /// refused while a holder renewed its lease within the lease duration (<c>LogPipe:Kinesis:Leases:Duration</c>).
    /// </summary>
    /// <param name="request">Which leases.</param>
    /// <param name="cancellationToken">Cancels the release.</param>
    /// <returns>What happened to each lease.</returns>
    /// <exception cref="OperationException">No such lease, a live lease without force, or another holder than the one named.</exception>
    public Task<LeaseRelease> ReleaseLeasesAsync(LeaseReleaseRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new LeaseReleaser(_configuration, Database, _time).ReleaseAsync(request, cancellationToken);
    }

    private DeadLetterActions DeadLetters => new(Database, _time);
}
