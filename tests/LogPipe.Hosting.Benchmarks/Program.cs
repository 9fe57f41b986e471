using LogPipe.Hosting.Benchmarks;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var outcome = await BenchmarkCommand.RunAsync(args, Console.Out, cancel.Token);
return outcome.ExitCode;
