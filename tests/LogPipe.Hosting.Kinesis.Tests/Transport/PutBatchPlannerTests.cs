using LogPipe.Hosting.Kinesis.Sending;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary>How a send is cut into PutRecords calls: one record per key per wave, within the service limits.</summary>
public sealed class PutBatchPlannerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch.AddDays(1);

    [Fact]
    public void A_wave_takes_the_first_unsettled_record_of_each_key_in_send_order()
    {
        var puts = new[] { Put(0, "a"), Put(1, "b"), Put(2, "a"), Put(3, "c"), Put(4, "b") };

        Assert.Equal([0, 1, 3], Indexes(PutBatchPlanner.NextWave(puts, Now, out _)));

        puts[0].Succeed(default);
        puts[1].RetryAt(Now.AddSeconds(1), "ProvisionedThroughputExceededException", null);
        puts[3].Succeed(default);

        // a moves on to its next record; b waits for its retry, and its later record waits behind it.
        var wave = PutBatchPlanner.NextWave(puts, Now, out var nextDue);
        Assert.Equal([2], Indexes(wave));
        Assert.Equal(Now.AddSeconds(1), nextDue);
        Assert.Equal([1, 2], Indexes(PutBatchPlanner.NextWave(puts, Now.AddSeconds(1), out _)));
    }

    [Fact]
    public void Calls_hold_at_most_500_records_and_5_MiB()
    {
        var many = Enumerable.Range(0, 1201).Select(i => Put(i, "k" + i)).ToList();
        Assert.Equal([500, 500, 201], PutBatchPlanner.Calls(many).Select(c => c.Count));

        var big = Enumerable.Range(0, 12).Select(i => Put(i, "k" + i, size: 1024 * 1024)).ToList();
        var calls = PutBatchPlanner.Calls(big);
        Assert.Equal([5, 5, 2], calls.Select(c => c.Count));
        Assert.Equal(Enumerable.Range(0, 12), calls.SelectMany(c => c).Select(p => p.Index));
    }

    private static PendingPut Put(int index, string key, long size = 100) => new(index, "s", key, new byte[1], size);

    private static int[] Indexes(IEnumerable<PendingPut> puts) => [.. puts.Select(p => p.Index)];
}
