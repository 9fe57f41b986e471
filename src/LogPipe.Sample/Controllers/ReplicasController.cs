using LogPipe.Sample.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Sample.Controllers;

/// <summary>The people this service replicated from the <c>people</c> topic.</summary>
[ApiController]
[Route("replicas")]
public sealed class ReplicasController(SampleDbContext db) : ControllerBase
{
    [HttpGet]
    public async Task<IReadOnlyList<PersonReplica>> List(CancellationToken cancellationToken) =>
        await db.Replicas.AsNoTracking().OrderBy(p => p.Id).Take(1000).ToListAsync(cancellationToken);

    [HttpGet("{uuid:guid}")]
    public async Task<ActionResult<PersonReplica>> Get(Guid uuid, CancellationToken cancellationToken) =>
        await db.Replicas.AsNoTracking().FirstOrDefaultAsync(p => p.Uuid == uuid, cancellationToken) is { } replica ? replica : NotFound();
}
