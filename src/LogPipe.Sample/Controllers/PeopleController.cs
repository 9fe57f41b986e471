using LogPipe.Hosting;
using LogPipe.Sample.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Sample.Controllers;

/// <summary>
/// Creates and updates people, and publishes every change to the <c>people</c> topic through the transactional outbox: the
/// person and its outbox entry commit together, so a change is published if and only if it is saved.
/// </summary>
[ApiController]
[Route("people")]
public sealed class PeopleController(SampleDbContext db, IOutboxProducer<Person> people) : ControllerBase
{
    /// <summary>The fields a client sends.</summary>
    public sealed record PersonInput(string FirstName, string LastName, string? Email);

    [HttpGet]
    public async Task<IReadOnlyList<Person>> List(CancellationToken cancellationToken) =>
        await db.People.AsNoTracking().OrderBy(p => p.Id).Take(1000).ToListAsync(cancellationToken);

    [HttpPost]
    public async Task<ActionResult<Person>> Create(PersonInput input, CancellationToken cancellationToken)
    {
        var person = new Person { FirstName = input.FirstName, LastName = input.LastName, Email = input.Email };
        db.People.Add(person);
        var entry = await people.SendAsync(person, cancellationToken); // encoded now: a validation error throws here
        await db.SaveChangesAsync(cancellationToken);                   // the person and the outbox entry commit together
        Response.Headers["X-LogPipe-Outbox"] = Describe(entry);
        return CreatedAtAction(nameof(Get), new { uuid = person.Uuid }, person);
    }

    [HttpGet("{uuid:guid}")]
    public async Task<ActionResult<Person>> Get(Guid uuid, CancellationToken cancellationToken) =>
        await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Uuid == uuid, cancellationToken) is { } person ? person : NotFound();

    [HttpPut("{uuid:guid}")]
    public async Task<ActionResult<Person>> Update(Guid uuid, PersonInput input, CancellationToken cancellationToken)
    {
        var person = await db.People.FirstOrDefaultAsync(p => p.Uuid == uuid, cancellationToken);
        if (person is null) return NotFound();
        person.FirstName = input.FirstName;
        person.LastName = input.LastName;
        person.Email = input.Email;
        var entry = await people.SendAsync(person, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        Response.Headers["X-LogPipe-Outbox"] = Describe(entry);
        return person;
    }

    // Not a position on the log: the relay publishes the entry after the commit.
    private static string Describe(OutboxEntry entry) =>
        FormattableString.Invariant($"{entry.Topic} {entry.MessageType} v{entry.Version} key={entry.Key} {entry.EncodedSize} bytes");
}
