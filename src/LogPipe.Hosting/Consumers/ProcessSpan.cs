using System.Diagnostics;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.Consumers;

/// <summary>One record's processing as the instrumentation follows it: its span (if traced) and when it started.</summary>
/// <param name="Activity">The <c>process {topic}</c> span, or <see langword="null"/> when not traced.</param>
/// <param name="Record">The record being applied.</param>
/// <param name="Started">The <see cref="Stopwatch"/> timestamp the apply started at.</param>
internal readonly record struct ProcessSpan(Activity? Activity, IncomingRecord Record, long Started);
