using LogPipe.Hosting.Benchmarks;
using LogPipe.Hosting.Benchmarks.Measurement;

if (args is [MeterCheck.Command]) return MeterCheck.Run(Console.Out);

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var outcome = await BenchmarkCommand.RunAsync(args, Console.Out, cancel.Token);
return outcome.ExitCode;
