namespace LogPipe.Hosting.TestSupport;

/// <summary>
/// The event ids of LogPipe's <c>[LoggerMessage]</c> declarations, by name, for tests that assert on logs. Each constant
/// names the declaring class and method in src; the ids are stable (operators alert on them), so a change here is a
/// change of the product's contract.
/// </summary>
public static class LogEvents
{
    // src/LogPipe.Hosting/Consumers/ConsumerLog.cs

    /// <summary>ConsumerLog.Started.</summary>
    public const int ConsumerStarted = 1001;

    /// <summary>ConsumerLog.Stopped.</summary>
    public const int ConsumerStopped = 1002;

    /// <summary>ConsumerLog.IgnoredType.</summary>
    public const int IgnoredType = 1010;

    /// <summary>ConsumerLog.MessageError.</summary>
    public const int MessageError = 1011;

    /// <summary>ConsumerLog.Applied (one per record, at Debug).</summary>
    public const int Applied = 1012;

    /// <summary>ConsumerLog.SaveFailedWillRetry.</summary>
    public const int SaveFailedWillRetry = 1020;

    /// <summary>ConsumerLog.SaveFailedDeadLettered.</summary>
    public const int SaveFailedDeadLettered = 1021;

    /// <summary>ConsumerLog.SaveFailedStopping.</summary>
    public const int SaveFailedStopping = 1022;

    /// <summary>ConsumerLog.UnitAbandoned.</summary>
    public const int UnitAbandoned = 1023;

    /// <summary>ConsumerLog.CheckpointConflict (a fenced checkpoint write).</summary>
    public const int CheckpointConflict = 1024;

    /// <summary>ConsumerLog.BatchFellBack.</summary>
    public const int BatchFellBack = 1025;

    /// <summary>ConsumerLog.CommitInFlightFailed.</summary>
    public const int CommitInFlightFailed = 1026;

    /// <summary>ConsumerLog.UnitCommitted.</summary>
    public const int UnitCommitted = 1030;

    /// <summary>ConsumerLog.SaveAbandoned.</summary>
    public const int SaveAbandoned = 1061;

    /// <summary>ConsumerLog.SaveFailedTransientWillRetry.</summary>
    public const int SaveFailedTransientWillRetry = 1062;

    /// <summary>ConsumerLog.HungUnitDisposeFailed.</summary>
    public const int HungUnitDisposeFailed = 1063;

    /// <summary>ConsumerLog.DeadLettersDroppedFromMemory.</summary>
    public const int DeadLettersDroppedFromMemory = 1064;

    /// <summary>DeadLetterForwarder.ForwardFailed.</summary>
    public const int DeadLetterForwardFailed = 1040;

    // src/LogPipe.Hosting.Kafka: KafkaLog.cs

    /// <summary>KafkaLog.ClientCreated.</summary>
    public const int KafkaClientCreated = 2001;

    /// <summary>KafkaLog.ClientError.</summary>
    public const int KafkaClientError = 2002;

    /// <summary>KafkaLog.ClientFatal.</summary>
    public const int KafkaClientFatal = 2003;

    /// <summary>KafkaLog.Librdkafka (librdkafka's own log lines).</summary>
    public const int Librdkafka = 2004;

    /// <summary>KafkaLog.Assigned.</summary>
    public const int PartitionsAssigned = 2010;

    /// <summary>KafkaLog.Revoked.</summary>
    public const int PartitionsRevoked = 2011;

    /// <summary>KafkaLog.ConsumeFailed.</summary>
    public const int ConsumeFailed = 2012;

    /// <summary>KafkaLog.GroupCommitFailed.</summary>
    public const int GroupCommitFailed = 2013;

    /// <summary>KafkaLog.RevokedDuringLongUnit.</summary>
    public const int RevokedDuringLongUnit = 2023;

    /// <summary>KafkaLog.ReadAheadPausedForLongUnit.</summary>
    public const int ReadAheadPausedForLongUnit = 2024;

    /// <summary>KafkaLog.RevocationWaitsForUnit.</summary>
    public const int RevocationWaitsForUnit = 2025;

    /// <summary>KafkaLog.AssignedDuringLongUnit.</summary>
    public const int AssignedDuringLongUnit = 2026;

    /// <summary>KafkaLog.OwedGroupCommitMade.</summary>
    public const int OwedGroupCommitMade = 2027;

    /// <summary>KafkaLog.OwedGroupCommitFailed.</summary>
    public const int OwedGroupCommitFailed = 2028;

    /// <summary>KafkaLog.CloseGivenUp.</summary>
    public const int ConsumerCloseGivenUp = 2029;

    /// <summary>KafkaLog.CheckpointReadFailed.</summary>
    public const int CheckpointReadFailed = 2014;

    /// <summary>KafkaLog.CheckpointBelowLogStart.</summary>
    public const int CheckpointBelowLogStart = 2020;

    /// <summary>KafkaLog.CheckpointWaitStopped.</summary>
    public const int CheckpointWaitStopped = 2021;

    /// <summary>KafkaLog.CheckpointWaitGaveUp.</summary>
    public const int CheckpointWaitGaveUp = 2022;

    // src/LogPipe.Hosting.Kinesis: KinesisClientLog.cs, KinesisLog.cs

    /// <summary>KinesisClientLog.LogCompleted.</summary>
    public const int KinesisCallCompleted = 3000;

    /// <summary>KinesisClientLog.LogRetrying.</summary>
    public const int KinesisCallRetrying = 3001;

    /// <summary>KinesisClientLog.LogFailed.</summary>
    public const int KinesisCallFailed = 3002;

    /// <summary>KinesisClientLog.LogConfigured.</summary>
    public const int KinesisClientConfigured = 3003;

    /// <summary>KinesisLog.TransportCreated.</summary>
    public const int KinesisTransportCreated = 3100;

    /// <summary>KinesisLog.SourceStarted.</summary>
    public const int KinesisSourceStarted = 3101;

    /// <summary>KinesisLog.ShardReading.</summary>
    public const int ShardReading = 3102;

    /// <summary>KinesisLog.ShardEnded.</summary>
    public const int ShardEnded = 3103;

    /// <summary>KinesisLog.ShardFinished.</summary>
    public const int ShardFinished = 3104;

    /// <summary>KinesisLog.ShardsDiscovered.</summary>
    public const int ShardsDiscovered = 3105;

    /// <summary>KinesisLog.IteratorExpired.</summary>
    public const int IteratorExpired = 3106;

    /// <summary>KinesisLog.ReadThrottled.</summary>
    public const int ReadThrottled = 3107;

    /// <summary>KinesisLog.ReadFailed.</summary>
    public const int KinesisReadFailed = 3108;

    /// <summary>KinesisLog.ShardRewound.</summary>
    public const int ShardRewound = 3109;

    /// <summary>KinesisLog.DiscoveryFailed.</summary>
    public const int ShardDiscoveryFailed = 3110;

    /// <summary>KinesisLog.StartShardsFailed.</summary>
    public const int StartShardsFailed = 3111;

    /// <summary>KinesisLog.RewindFailed.</summary>
    public const int RewindFailed = 3112;

    /// <summary>KinesisLog.PutPartiallyFailed.</summary>
    public const int PutPartiallyFailed = 3120;

    /// <summary>KinesisLog.PutCallFailed.</summary>
    public const int PutCallFailed = 3121;

    /// <summary>KinesisLog.SendFailed.</summary>
    public const int KinesisSendFailed = 3122;

    /// <summary>KinesisLog.HeadersDropped.</summary>
    public const int HeadersDropped = 3123;

    /// <summary>KinesisLog.LeasesUnavailable.</summary>
    public const int LeasesUnavailable = 9000;

    /// <summary>KinesisLog.LeaseTaken.</summary>
    public const int LeaseTaken = 9001;

    /// <summary>KinesisLog.LeaseLost.</summary>
    public const int LeaseLost = 9002;

    /// <summary>KinesisLog.LeasesReleased.</summary>
    public const int LeasesReleased = 9003;

    /// <summary>KinesisLog.LeaseRoundFailed.</summary>
    public const int LeaseRoundFailed = 9004;

    /// <summary>KinesisLog.LeaseFinished.</summary>
    public const int LeaseFinished = 9005;

    /// <summary>KinesisLog.LeaseLostAtCommit.</summary>
    public const int LeaseLostAtCommit = 9006;

    /// <summary>KinesisLog.LeaseRequested.</summary>
    public const int LeaseRequested = 9007;

    /// <summary>KinesisLog.LeaseHandOverStarted.</summary>
    public const int LeaseHandOverStarted = 9008;

    /// <summary>KinesisLog.LeaseHandedOver.</summary>
    public const int LeaseHandedOver = 9009;

    // DeadLetterReplayLog.cs

    /// <summary>DeadLetterReplayLog.Replaying.</summary>
    public const int DeadLetterReplaying = 4100;

    /// <summary>DeadLetterReplayLog.Replayed.</summary>
    public const int DeadLetterReplayed = 4101;

    /// <summary>DeadLetterReplayLog.PollFailed.</summary>
    public const int DeadLetterPollFailed = 4102;

    /// <summary>DeadLetterReplayLog.PollStillFailing.</summary>
    public const int DeadLetterPollStillFailing = 4103;

    // src/LogPipe.Hosting.Kafka/Embedded: EmbeddedKafkaClusterLog.cs; src/LogPipe.Hosting.Kafka.DevBroker: DevBrokerLog.cs

    /// <summary>EmbeddedKafkaClusterLog.Started (the development-only warning).</summary>
    public const int EmbeddedClusterStarted = 7100;

    /// <summary>EmbeddedKafkaClusterLog.TopicCreated.</summary>
    public const int EmbeddedTopicCreated = 7101;

    /// <summary>EmbeddedKafkaClusterLog.BrokerDown.</summary>
    public const int EmbeddedBrokerDown = 7102;

    /// <summary>EmbeddedKafkaClusterLog.BrokerUp.</summary>
    public const int EmbeddedBrokerUp = 7103;

    /// <summary>EmbeddedKafkaClusterLog.LeaderMoved.</summary>
    public const int EmbeddedLeaderMoved = 7104;

    /// <summary>EmbeddedKafkaClusterLog.RequestErrorsPushed.</summary>
    public const int EmbeddedRequestErrorsPushed = 7105;

    /// <summary>EmbeddedKafkaClusterLog.Stopped.</summary>
    public const int EmbeddedClusterStopped = 7106;

    /// <summary>EmbeddedKafkaClusterLog.RecordsDeleted.</summary>
    public const int EmbeddedRecordsDeleted = 7107;

    /// <summary>EmbeddedKafkaClusterLog.RoundTripTimeSet.</summary>
    public const int EmbeddedRoundTripTimeSet = 7108;

    // src/LogPipe.Hosting.EntityFrameworkCore/Outbox/OutboxLog.cs

    /// <summary>OutboxLog.LeaseTaken.</summary>
    public const int OutboxLeaseTaken = 5000;

    /// <summary>OutboxLog.LeaseLost.</summary>
    public const int OutboxLeaseLost = 5001;

    /// <summary>OutboxLog.BatchRelayed.</summary>
    public const int OutboxBatchRelayed = 5002;

    /// <summary>OutboxLog.SendFailed.</summary>
    public const int OutboxSendFailed = 5003;

    /// <summary>OutboxLog.SetAside.</summary>
    public const int OutboxEntrySetAside = 5004;

    /// <summary>OutboxLog.RelayFailed.</summary>
    public const int OutboxRelayFailed = 5005;

    /// <summary>OutboxLog.Stopped.</summary>
    public const int OutboxRelayStopped = 5006;

    /// <summary>OutboxLog.Recovered.</summary>
    public const int OutboxRelayRecovered = 5007;

    // src/LogPipe.Hosting.EntityFrameworkCore/Outbox/OutboxWriterLog.cs

    /// <summary>OutboxWriterLog.WriteGateTimedOut.</summary>
    public const int OutboxWriteGateTimedOut = 8010;

    // src/LogPipe.Hosting/Consumers/OutboxCopyLog.cs

    /// <summary>OutboxCopyLog.CopySkipped.</summary>
    public const int OutboxCopySkipped = 5050;

    /// <summary>OutboxCopyLog.MalformedIdentity.</summary>
    public const int OutboxMalformedIdentity = 5051;

    // src/LogPipe.Hosting.EntityFrameworkCore/OutboxReceivedLog.cs

    /// <summary>OutboxReceivedLog.Pruned.</summary>
    public const int OutboxIdentitiesPruned = 5052;

    /// <summary>OutboxReceivedLog.PruneFailed.</summary>
    public const int OutboxIdentityPruneFailed = 5053;

    // src/LogPipe.Hosting/Setup/SetupLog.cs

    /// <summary>SetupLog.InMemoryTransport.</summary>
    public const int InMemoryTransport = 6000;

    /// <summary>SetupLog.InMemoryCheckpoints.</summary>
    public const int InMemoryCheckpoints = 6001;

    /// <summary>SetupLog.ContractsExported.</summary>
    public const int ContractsExported = 9070;

    /// <summary>SetupLog.ContractsExportFailed.</summary>
    public const int ContractsExportFailed = 9071;

    /// <summary>DevBrokerLog.Ready.</summary>
    public const int DevBrokerReady = 7150;

    /// <summary>DevBrokerLog.StandardInputClosed.</summary>
    public const int DevBrokerStandardInputClosed = 7151;

    // src/LogPipe.Hosting.Dashboard/DashboardLog.cs

    /// <summary>DashboardLog.LocalRequestsOnly.</summary>
    public const int DashboardLocalRequestsOnly = 9090;

    /// <summary>DashboardLog.AuthorizationRequired.</summary>
    public const int DashboardAuthorizationRequired = 9091;

    /// <summary>DashboardLog.ReadOnly.</summary>
    public const int DashboardReadOnly = 9092;

    /// <summary>DashboardLog.RemoteRequestRefused.</summary>
    public const int DashboardRemoteRequestRefused = 9093;

    /// <summary>DashboardLog.ActionRefusedReadOnly.</summary>
    public const int DashboardActionRefusedReadOnly = 9094;

    /// <summary>DashboardLog.ActionRefusedAntiforgery.</summary>
    public const int DashboardActionRefusedAntiforgery = 9095;

    /// <summary>DashboardLog.ActionRun.</summary>
    public const int DashboardActionRun = 9096;

    /// <summary>DashboardLog.LeasesUnreadable.</summary>
    public const int DashboardLeasesUnreadable = 9097;

    /// <summary>DashboardLog.HealthUnreadable.</summary>
    public const int DashboardHealthUnreadable = 9098;

    // src/LogPipe.Hosting.Dashboard/Actions/OffsetLog.cs

    /// <summary>OffsetLog.OffsetMoveRefused.</summary>
    public const int DashboardOffsetMoveRefused = 9110;

    /// <summary>OffsetLog.CheckpointsUnreadable.</summary>
    public const int DashboardCheckpointsUnreadable = 9111;

    /// <summary>OffsetLog.OutboxUnreadable.</summary>
    public const int DashboardOutboxUnreadable = 9112;
}
