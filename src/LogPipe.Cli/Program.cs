using LogPipe.Cli;

return await LogPipeCommandLine.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
