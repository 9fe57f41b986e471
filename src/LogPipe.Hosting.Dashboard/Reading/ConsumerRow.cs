using LogPipe.Hosting.Diagnostics;

namespace LogPipe.Hosting.Dashboard.Reading;

/// <summary>One consumer on the overview page.</summary>
/// <param name="Stream">Its topic or stream.</param>
/// <param name="Types">The message types and versions it applies, for example <c>person v1, v2</c>.</param>
/// <param name="Ignored">The types it ignores.</param>
/// <param name="Activity">What it handled lately.</param>
/// <param name="Partitions">How many partitions or shards of it this instance reads (took records of).</param>
/// <param name="Lag">The largest lag over them, when known.</param>
internal sealed record ConsumerRow(string Stream, string Types, string Ignored, StreamActivitySnapshot Activity, int Partitions, long? Lag);
