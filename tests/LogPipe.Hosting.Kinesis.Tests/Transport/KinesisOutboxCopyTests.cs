using System.Text;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Kinesis.Tests.Fixtures;
using LogPipe.Hosting.TestSupport;
using LogPipe.Hosting.Transport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Kinesis.Tests.Transport;

/// <summary>
/// Kinesis records have no headers, so an outbox record's identity does not travel: a relay's re-send is applied again
/// (at least once), as docs/outbox.md says.
/// </summary>
[Collection(SharedKinesalite.Name)]
public sealed class KinesisOutboxCopyTests(KinesaliteFixture kinesalite) : KinesisAppTests(kinesalite)
{
    [Fact]
    public async Task An_outbox_record_sent_twice_is_applied_twice_because_kinesis_records_carry_no_identity()
    {
        var stream = await Kinesalite.CreateStreamAsync("outbox-copies", shardCount: 1);
        var app = await AppAsync(stream);
        var person = People.Joe(Guid.NewGuid());
        var record = new OutgoingRecord(
            stream,
            person.Uuid.ToString(),
            Encoding.UTF8.GetBytes($$$"""json:{"type":"person","version":1,"message":{"uuid":"{{{person.Uuid}}}","first_name":"{{{person.FirstName}}}","last_name":"{{{person.LastName}}}"}}"""),
            new OutboxIdentity(Guid.NewGuid(), 1).ToHeaders());
        var sender = app.Services.GetRequiredService<TransportSelector>().Current.Sender;

        // The relay's send, then its re-send of the same entry after a crash before it recorded the acknowledgement.
        await sender.SendAsync(record, CancellationToken.None);
        await sender.SendAsync(record, CancellationToken.None);

        await app.WaitAppliedAsync([person], times: 2);
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == LogEvents.HeadersDropped);
        Assert.Empty(await app.QueryAsync(db => db.Set<LogPipeOutboxReceived>().AsNoTracking().ToListAsync()));
    }
}
