using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using LogPipe.Hosting.MicroBenchmarks;

// dotnet run -c Release --project tests/LogPipe.Hosting.MicroBenchmarks -- --filter '*'
// BenchmarkDotNet rebuilds this project and everything it references per run; on a busy 2-core machine that takes
// longer than its default two minutes, so allow ten (or pass --inProcess to skip the rebuild).
var config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10));
BenchmarkSwitcher.FromAssembly(typeof(EnvelopeBenchmarks).Assembly).Run(args, config);
