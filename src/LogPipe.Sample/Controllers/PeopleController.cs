using LogPipe.Hosting;
using LogPipe.Sample.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Sample.Controllers;

/// <summary>Creates and updates people, and publishes every change to the <c>people</c> topic.</summary>
[ApiController]
[Route("people")]
public sealed class PeopleController(SampleDbContext db, IProducer<Person> people) : ControllerBase
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
        await db.SaveChangesAsync(cancellationToken);
        var position = await people.SendAsync(person, cancellationToken);
        Response.Headers["X-LogPipe-Position"] = position.ToString();
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
        await db.SaveChangesAsync(cancellationToken);
        await people.SendAsync(person, cancellationToken);
        return person;
    }
}
