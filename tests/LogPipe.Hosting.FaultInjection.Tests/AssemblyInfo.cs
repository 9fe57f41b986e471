// One scenario at a time: each one injects faults (a stopped PostgreSQL server, brokers down, a saturated CPU) that
// would leak into a scenario running beside it, and timings on 2 cores mean something only without neighbours.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
