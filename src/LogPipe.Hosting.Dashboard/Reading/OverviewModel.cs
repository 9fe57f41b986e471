using LogPipe.Hosting.Consumers;

namespace LogPipe.Hosting.Dashboard.Reading;

/// <summary>What the overview page shows.</summary>
/// <param name="Transport">The transport in use (<c>LogPipe:Transport</c>).</param>
/// <param name="ConsumerGroup">The consumer group checkpoints are kept under.</param>
/// <param name="Status">Where the consumer loop is.</param>
/// <param name="ConsumersEnabled">Whether this instance runs consumers at all (<c>LogPipe:EnableConsumers</c>).</param>
/// <param name="Health">The service's health checks, or <see langword="null"/> when none are registered.</param>
/// <param name="Consumers">One row per consumer.</param>
internal sealed record OverviewModel(
    string Transport,
    string ConsumerGroup,
    ConsumerRunnerStatus Status,
    bool ConsumersEnabled,
    HealthModel? Health,
    IReadOnlyList<ConsumerRow> Consumers);
