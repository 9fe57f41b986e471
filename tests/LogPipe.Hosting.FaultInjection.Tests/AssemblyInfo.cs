// Two scenarios at a time, in the collections of Support/ScenarioCollections.cs: the Kafka ones beside the Kinesis and
// outbox ones. A scenario that stops the shared PostgreSQL server or compares timings within its run is in the collection
// that runs alone, after the others.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 2)]
