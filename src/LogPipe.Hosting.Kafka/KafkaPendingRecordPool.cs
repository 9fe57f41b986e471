namespace LogPipe.Hosting.Kafka;

/// <summary>
/// Free <see cref="KafkaPendingRecord"/>s of one sender, as a linked list: a batch takes its records in one lock and gives
/// them back in one lock when its last report arrived. Bounded, so one huge batch does not stay in memory for good.
/// </summary>
internal sealed class KafkaPendingRecordPool
{
    /// <summary>At most this many free records are kept (about 8 MiB); a few batches of 10,000 in flight fit.</summary>
    public const int MaxFree = 65_536;

    private readonly Lock _lock = new();
    private KafkaPendingRecord? _free;
    private int _freeCount;

    /// <summary>Free records kept now.</summary>
    public int FreeCount => Volatile.Read(ref _freeCount);

    /// <summary><paramref name="count"/> records linked through <see cref="KafkaPendingRecord.Next"/>; the last one's is <see langword="null"/>.</summary>
    public KafkaPendingRecord Rent(int count)
    {
        KafkaPendingRecord? head = null;
        KafkaPendingRecord? tail = null;
        var taken = 0;
        lock (_lock)
        {
            if (_free is not null)
            {
                head = tail = _free;
                taken = 1;
                while (taken < count && tail.Next is not null)
                {
                    tail = tail.Next;
                    taken++;
                }

                _free = tail.Next;
                _freeCount -= taken;
                tail.Next = null;
            }
        }

        for (; taken < count; taken++)
        {
            var record = new KafkaPendingRecord();
            if (tail is null) head = record;
            else tail.Next = record;
            tail = record;
        }

        return head!;
    }

    /// <summary>Gives back a batch's records, from <paramref name="head"/> to <paramref name="tail"/>, once none of them is in flight.</summary>
    public void Return(KafkaPendingRecord head, KafkaPendingRecord tail, int count)
    {
        lock (_lock)
        {
            if (_freeCount + count > MaxFree) return;
            tail.Next = _free;
            _free = head;
            _freeCount += count;
        }
    }
}
