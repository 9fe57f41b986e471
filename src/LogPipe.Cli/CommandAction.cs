using System.CommandLine;
using LogPipe.Hosting.Operations;

namespace LogPipe.Cli;

/// <summary>Runs a command's body and turns whatever it throws into one line on stderr and a documented exit code.</summary>
internal static class CommandAction
{
    public static Func<ParseResult, CancellationToken, Task<int>> Of(Func<ToolContext, CancellationToken, Task<int>> body) =>
        (parse, cancellationToken) => RunAsync(parse, body, cancellationToken);

    private static async Task<int> RunAsync(ParseResult parse, Func<ToolContext, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        var context = new ToolContext(parse, output, error);
        try
        {
            return await body(context, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandException ex)
        {
            await error.WriteLineAsync("logpipe: " + ex.Message).ConfigureAwait(false);
            if (context.Verbose && ex.InnerException is { } inner) await error.WriteLineAsync(inner.ToString()).ConfigureAwait(false);
            return ex.ExitCode;
        }
        catch (OperationException ex)
        {
            await error.WriteLineAsync("logpipe: " + ex.Message + (ex.CanBeForced ? " To force it, pass --force." : "")).ConfigureAwait(false);
            if (context.Verbose && ex.InnerException is { } inner) await error.WriteLineAsync(inner.ToString()).ConfigureAwait(false);
            return ExitCodes.Of(ex.Failure);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("logpipe: cancelled.").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (Confluent.Kafka.KafkaException ex)
        {
            await error.WriteLineAsync($"logpipe: Kafka failed: {context.Kafka.Redact(ex.Error.Reason)}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (Exception ex)
        {
            // Unexpected: say what, never how the configuration looked (it may hold secrets).
            await error.WriteLineAsync($"logpipe: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            if (context.Verbose) await error.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }
}
