using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.FaultInjection.Worker.Outbox;
using LogPipe.Hosting.Formats;
using LogPipe.Hosting.TestSupport;
using LogPipe.Hosting.Transport;

namespace LogPipe.Hosting.FaultInjection.Tests;

/// <summary>
/// The outbox scenarios' judge must be able to fail: each kind of wrong outcome, planted in a small made-up run, is counted
/// and fails the assertion; a right outcome with copies on the log passes.
/// </summary>
public sealed class OutboxVerdictTests
{
    private static readonly Guid Ann = Guid.NewGuid();
    private static readonly Guid Bob = Guid.NewGuid();
    private static readonly EnvelopeWriter Writer = new(new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower });

    private readonly List<PersonChange> _changes =
    [
        new() { Uuid = Ann, Version = 1, ChangeId = Guid.NewGuid() },
        new() { Uuid = Ann, Version = 2, ChangeId = Guid.NewGuid() },
        new() { Uuid = Bob, Version = 1, ChangeId = Guid.NewGuid() },
    ];

    private long _sequence;

    [Fact]
    public void A_run_with_every_change_once_in_order_passes_even_with_copies_on_the_log()
    {
        var log = new List<LoggedRecord> { Record(0, 0, _changes[0]), Record(0, 1, _changes[1]), Record(0, 2, _changes[0], sequence: 1), Record(1, 0, _changes[2]) };

        var verdict = OutboxVerdict.Judge(_changes, log, Replica(annApplied: 2, bobApplied: 1));

        Assert.Equal(1, verdict.CopiesOnLog);
        verdict.AssertExactlyOnceInOrder();
    }

    [Fact]
    public void A_committed_change_missing_from_the_log_and_a_record_of_a_rolled_back_change_are_both_caught()
    {
        var rolledBack = new PersonChange { Uuid = Bob, Version = 2, ChangeId = Guid.NewGuid() };
        var log = new List<LoggedRecord> { Record(0, 0, _changes[0]), Record(1, 0, _changes[2]), Record(1, 1, rolledBack) };

        var verdict = OutboxVerdict.Judge(_changes, log, Replica(annApplied: 1, bobApplied: 1));

        Assert.Equal(1, verdict.NotOnLog);
        Assert.Equal(1, verdict.UncommittedOnLog);
        Assert.Equal(1, verdict.Lost);
        Assert.Throws<Xunit.Sdk.TrueException>(verdict.AssertExactlyOnceInOrder);
    }

    [Fact]
    public void A_later_version_ahead_of_an_earlier_one_or_on_another_partition_is_out_of_order()
    {
        var swapped = OutboxVerdict.Judge(_changes, [Record(0, 0, _changes[1]), Record(0, 1, _changes[0]), Record(1, 0, _changes[2])], Replica(2, 1));
        var split = OutboxVerdict.Judge(_changes, [Record(0, 0, _changes[0]), Record(2, 0, _changes[1]), Record(1, 0, _changes[2])], Replica(2, 1));

        Assert.Equal(1, swapped.OutOfOrder);
        Assert.Equal(1, split.OutOfOrder);
        Assert.Throws<Xunit.Sdk.TrueException>(swapped.AssertExactlyOnceInOrder);
    }

    [Fact]
    public void A_copy_the_consumer_applied_and_a_record_without_identity_headers_are_caught()
    {
        var log = new List<LoggedRecord> { Record(0, 0, _changes[0]), Record(0, 1, _changes[1]), Record(0, 2, _changes[1], sequence: 2), Record(1, 0, _changes[2], withIdentity: false) };

        var verdict = OutboxVerdict.Judge(_changes, log, Replica(annApplied: 3, bobApplied: 1));

        Assert.Equal(1, verdict.AppliedTwice);
        Assert.Equal(1, verdict.WithoutIdentity);
        Assert.Throws<Xunit.Sdk.TrueException>(verdict.AssertExactlyOnceInOrder);
    }

    private List<Person> Replica(int annApplied, int bobApplied) =>
    [
        new() { Uuid = Ann, Applied = annApplied, LastName = _changes[1].ChangeId.ToString("N") },
        new() { Uuid = Bob, Applied = bobApplied, LastName = _changes[2].ChangeId.ToString("N") },
    ];

    private LoggedRecord Record(int partition, long offset, PersonChange change, long? sequence = null, bool withIdentity = true)
    {
        var person = OutboxWriter.Record(change.Uuid, change.Version, change.ChangeId);
        var value = Writer.Write(WireFormat.Json, "person", 2, new PersonV2(person.Uuid, person.FirstName, person.LastName, person.Email), producerId: null);
        var headers = withIdentity
            ? new Dictionary<string, string>
            {
                [OutboxIdentity.SourceHeader] = Guid.Empty.ToString("D"),
                [OutboxIdentity.SequenceHeader] = (sequence ?? ++_sequence).ToString(System.Globalization.CultureInfo.InvariantCulture),
            }
            : [];
        return new LoggedRecord(partition, offset, value, headers);
    }
}
