using LogPipe.Hosting.Kinesis.Client;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Kinesis.Reading;

/// <summary>What every reader of one stream shares: the client, the settings, the clock, the log and the wake-up signal.</summary>
internal sealed record ShardReadContext(
    IKinesisClient Client,
    string Stream,
    string CheckpointScope,
    KinesisOptions Options,
    TimeProvider Time,
    ILogger Logger,
    RecordSignal Signal);
