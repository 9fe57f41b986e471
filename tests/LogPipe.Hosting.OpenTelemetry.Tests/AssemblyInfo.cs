// DistributedContextPropagator.Current is process-wide and one test replaces it; OpenTelemetry's providers hear every
// LogPipe source in the process. Tests of this assembly therefore run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
