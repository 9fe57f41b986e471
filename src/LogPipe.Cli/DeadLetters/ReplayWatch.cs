using System.Globalization;
using LogPipe.Hosting.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Cli.DeadLetters;

/// <summary>Watches dead letters marked for replay until the service has replayed each one or it failed again.</summary>
internal sealed class ReplayWatch
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly ToolContext _context;
    private readonly IReadOnlyList<Marked> _marked;

    public ReplayWatch(ToolContext context, IReadOnlyList<Marked> marked)
    {
        _context = context;
        _marked = marked;
    }

    /// <summary>Waits and reports.</summary>
    /// <returns>0 when all were replayed; 1 when some failed again or are still pending at the deadline.</returns>
    public async Task<int> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var attempts = _marked.ToDictionary(m => m.Id, m => m.Attempts);
        var ids = attempts.Keys.ToList();
        while (true)
        {
            var current = await _context.Database.RunAsync(
                async db =>
                {
                    var rows = new List<LogPipeDeadLetter>();
                    foreach (var chunk in ids.Chunk(500))
                    {
                        rows.AddRange(await db.Set<LogPipeDeadLetter>().AsNoTracking().Where(d => chunk.Contains(d.Id))
                            .ToListAsync(cancellationToken).ConfigureAwait(false));
                    }

                    return rows;
                },
                cancellationToken).ConfigureAwait(false);
            var failed = current.Where(d => d.ReplayRequestedAt is null && d.Attempts > attempts[d.Id]).OrderBy(d => d.Id).ToList();
            var pending = current.Where(d => !failed.Contains(d)).Select(d => d.Id).Order().ToList();
            var replayed = ids.Count - current.Count;
            if (pending.Count == 0 || DateTimeOffset.UtcNow >= deadline)
            {
                return await ReportAsync(replayed, failed, pending, timeout).ConfigureAwait(false);
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    public static string IdList(IEnumerable<long> ids)
    {
        var list = ids.ToList();
        var shown = string.Join(", ", list.Take(20).Select(i => i.ToString(CultureInfo.InvariantCulture)));
        return list.Count > 20 ? $"ids {shown}, … ({list.Count - 20} more)" : $"ids {shown}";
    }

    private async Task<int> ReportAsync(int replayed, List<LogPipeDeadLetter> failed, List<long> pending, TimeSpan timeout)
    {
        var o = _context.Out;
        await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Replayed {replayed} of {_marked.Count}; {failed.Count} failed again; {pending.Count} still pending.")).ConfigureAwait(false);
        foreach (var d in failed)
        {
            var error = d.Error.ReplaceLineEndings(" ");
            await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {d.Id}  {d.ErrorKind}: {error}")).ConfigureAwait(false);
        }

        if (pending.Count > 0)
        {
            var seconds = timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
            await _context.Error.WriteLineAsync(
                $"logpipe: {IdList(pending)} still pending after {seconds} s. Is the service running with its consumers enabled, and " +
                "LogPipe:DeadLetters:DisableReplayRequests not set?").ConfigureAwait(false);
        }

        return failed.Count == 0 && pending.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>A dead letter as it was when marked.</summary>
    internal sealed record Marked(long Id, int Attempts);
}
