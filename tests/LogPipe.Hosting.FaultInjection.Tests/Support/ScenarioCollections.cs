namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// How the scenarios share the machine. Most of a scenario's time is spent waiting (a killed member's session to
/// expire, a lease to run out, an outage to last), so two of them run side by side: the Kafka ones in one collection,
/// the Kinesis and outbox ones in the other. A scenario that stops the shared PostgreSQL server, or that compares
/// timings within its run, is in <see cref="Alone"/> and runs once the others are done.
/// </summary>
public static class ScenarioCollections
{
    /// <summary>Consumers of Kafka killed, stopped, churned or fed bad records, each with a development broker of its own.</summary>
    public const string Kafka = "Kafka scenarios";

    /// <summary>Kinesis consumers on kinesalite, and outbox writers and relays.</summary>
    public const string KinesisAndOutbox = "Kinesis and outbox scenarios";

    /// <summary>Scenarios that must have the machine to themselves.</summary>
    public const string Alone = "Scenarios that run alone";
}

/// <summary>The collection of <see cref="ScenarioCollections.Kafka"/>.</summary>
[CollectionDefinition(ScenarioCollections.Kafka)]
public sealed class KafkaScenarios;

/// <summary>The collection of <see cref="ScenarioCollections.KinesisAndOutbox"/>.</summary>
[CollectionDefinition(ScenarioCollections.KinesisAndOutbox)]
public sealed class KinesisAndOutboxScenarios;

/// <summary>The collection of <see cref="ScenarioCollections.Alone"/>: run after the parallel collections, alone.</summary>
[CollectionDefinition(ScenarioCollections.Alone, DisableParallelization = true)]
public sealed class ScenariosAlone;
