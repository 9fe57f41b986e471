using System.Globalization;
using System.Text;
using LogPipe.Cli.Output;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using LogPipe.Hosting.Operations;

namespace LogPipe.Cli.Tail;

/// <summary>
/// <c>logpipe tail</c> on a Kinesis stream (<c>LogPipe:Transport</c> = <c>Kinesis</c>): reads the shards with GetRecords as
/// any reader does — no checkpoint is read or written — and prints each record as the Kafka tail does, at
/// <c>stream/shard@sequence-number</c>.
/// </summary>
internal static class KinesisTail
{
    // A shard serves at most five GetRecords calls a second to all its readers; the service's own readers share them.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan IdleInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ThrottledInterval = TimeSpan.FromSeconds(2);
    private const int PageSize = 500;

    public static async Task<int> RunAsync(ToolContext context, TailRequest request, CancellationToken cancellationToken)
    {
        using var kinesis = KinesisConnection.Create(context.Configuration.Root, region: null);
        var stream = request.Stream;
        var shards = await kinesis.ShardsAsync(stream, cancellationToken).ConfigureAwait(false);
        var ids = shards.Select(s => s.ShardId).OfType<string>().ToList();
        if (request.Partition is { } only)
        {
            var id = ShardId(only);
            if (!ids.Contains(id)) throw CommandException.NotFound($"Stream '{stream}' has no shard '{id}' (it has {string.Join(", ", ids)}).");
            shards = [.. shards.Where(s => s.ShardId == id)];
        }

        // The iterators are taken before the line below: whatever is put after it is printed.
        var start = request.FromBeginning ? ShardIteratorType.TRIM_HORIZON : ShardIteratorType.LATEST;
        var cursors = new List<ShardCursor>();
        foreach (var shard in shards)
        {
            // From the end, a closed shard (split or merged) has nothing more to show: it is known, not read.
            var closed = shard.SequenceNumberRange?.EndingSequenceNumber is not null;
            var iterator = closed && !request.FromBeginning ? null : await kinesis.IteratorAsync(stream, shard.ShardId!, start, null, cancellationToken).ConfigureAwait(false);
            cursors.Add(new ShardCursor(shard.ShardId!, start, iterator));
        }

        var reading = cursors.Count(c => c.Iterator is not null);

        await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Tailing stream '{stream}' ({reading} shard{(reading == 1 ? "" : "s")}) from the {(request.FromBeginning ? "beginning" : "end")} on {kinesis.Where}; Ctrl+C stops."))
            .ConfigureAwait(false);

        try
        {
            await FollowAsync(context, kinesis, request, cursors, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM: a normal way to stop.
        }

        return ExitCodes.Success;
    }

    /// <summary>A shard id as given (<c>shardId-000000000001</c>) or by its number (<c>1</c>).</summary>
    private static string ShardId(string given) =>
        long.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? string.Create(CultureInfo.InvariantCulture, $"shardId-{number:D12}")
            : given;

    private static async Task FollowAsync(ToolContext context, KinesisConnection kinesis, TailRequest request, List<ShardCursor> cursors, CancellationToken cancellationToken)
    {
        var printer = new RecordPrinter(context.Out, request.Json);
        var printed = 0;
        while (request.Count is null || printed < request.Count)
        {
            var open = cursors.Where(c => c.Iterator is not null).ToList();
            if (open.Count == 0) return; // every shard was closed and read to its end, and none replaced them
            if (request.ExitAtEnd && open.TrueForAll(c => c.AtEnd)) return;

            // The shard whose turn comes first, paced per shard.
            var next = open.MinBy(c => c.NextPollAt)!;
            var wait = next.NextPollAt - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken).ConfigureAwait(false);

            GetRecordsResponse page;
            try
            {
                page = await kinesis.ReadAsync(request.Stream, next.Iterator!, PageSize, cancellationToken).ConfigureAwait(false);
            }
            catch (KinesisExpiredIteratorException)
            {
                // Older than five minutes (Ctrl+S held the terminal, say): go on after the last record printed.
                next.Iterator = await kinesis.IteratorAsync(request.Stream, next.ShardId, next.Start, next.LastSequence, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (KinesisThrottledException)
            {
                next.NextPollAt = DateTimeOffset.UtcNow + ThrottledInterval;
                continue;
            }

            var records = page.Records ?? [];
            foreach (var record in records)
            {
                if (request.Count is { } count && printed >= count) break;
                printer.Print(Location(request.Stream, next, record));
                context.Out.Flush();
                printed++;
            }

            next.Iterator = page.NextShardIterator;
            if (next.Iterator is null && request.Partition is null)
            {
                // A closed shard read to its end (split or merged): its children hold what follows, from their beginning.
                await FollowChildrenAsync(kinesis, request.Stream, cursors, cancellationToken).ConfigureAwait(false);
            }

            // Empty and nothing newer: caught up. (An empty page with records further on says so in MillisBehindLatest.)
            next.AtEnd = records.Count == 0 && page.MillisBehindLatest is null or 0;
            next.NextPollAt = DateTimeOffset.UtcNow + (records.Count > 0 ? PollInterval : IdleInterval);
        }
    }

    private static async Task FollowChildrenAsync(KinesisConnection kinesis, string stream, List<ShardCursor> cursors, CancellationToken cancellationToken)
    {
        var known = cursors.Select(c => c.ShardId).ToHashSet(StringComparer.Ordinal);
        foreach (var shard in await kinesis.ShardsAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            if (shard.ShardId is not { } id || known.Contains(id)) continue;
            var iterator = await kinesis.IteratorAsync(stream, id, ShardIteratorType.TRIM_HORIZON, null, cancellationToken).ConfigureAwait(false);
            cursors.Add(new ShardCursor(id, ShardIteratorType.TRIM_HORIZON, iterator));
        }
    }

    private static RecordLocation Location(string stream, ShardCursor cursor, Record record)
    {
        cursor.LastSequence = record.SequenceNumber;
        var arrival = record.ApproximateArrivalTimestamp is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : DateTimeOffset.UtcNow;
        var key = record.PartitionKey is null ? null : Encoding.UTF8.GetBytes(record.PartitionKey);
        return new RecordLocation(stream, cursor.ShardId, cursor.Read++, arrival, key, record.Data.ToArray()) { SequenceNumber = record.SequenceNumber };
    }

    /// <summary>Where the tail is in one shard.</summary>
    private sealed class ShardCursor(string shardId, ShardIteratorType start, string? iterator)
    {
        public string ShardId { get; } = shardId;

        public ShardIteratorType Start { get; } = start;

        /// <summary>The next GetRecords iterator; <see langword="null"/> once a closed shard is read to its end.</summary>
        public string? Iterator { get; set; } = iterator;

        public string? LastSequence { get; set; }

        public long Read { get; set; }

        public bool AtEnd { get; set; }

        public DateTimeOffset NextPollAt { get; set; }
    }
}
