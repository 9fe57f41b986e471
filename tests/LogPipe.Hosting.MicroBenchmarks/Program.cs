using BenchmarkDotNet.Running;
using LogPipe.Hosting.MicroBenchmarks;

// dotnet run -c Release --project tests/LogPipe.Hosting.MicroBenchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(EnvelopeBenchmarks).Assembly).Run(args);
