using System.CommandLine;

namespace LogPipe.Cli.Leases;

/// <summary><c>logpipe leases</c>: the Kinesis shard leases several instances of a consumer group split a stream's shards by.</summary>
internal static class LeasesCommand
{
    public static Command Create() => new("leases", "List or free the Kinesis shard leases kept in the service's database.")
    {
        LeasesListCommand.Create(),
        LeasesReleaseCommand.Create(),
    };

    /// <summary>How a lease's table cells read: holder (or free), counter, epoch, finished, last renewed.</summary>
    public static string?[] Cells(LogPipe.Hosting.Operations.ShardLeaseStatus lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return
        [
            lease.Holder,
            lease.Counter.ToString(System.Globalization.CultureInfo.InvariantCulture),
            lease.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
            lease.Finished ? "yes" : "no",
            Output.RecordPrinter.Timestamp(lease.LastRenewed),
        ];
    }

    /// <summary>The headers of <see cref="Cells"/>.</summary>
    public static readonly string[] Headers = ["HOLDER", "COUNTER>", "EPOCH>", "FINISHED", "LAST RENEWED"];
}
