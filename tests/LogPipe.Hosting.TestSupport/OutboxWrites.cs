using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.TestSupport;

/// <summary>A service's business transaction through the outbox: add or change people and send each, in one SaveChangesAsync.</summary>
public static class OutboxWrites
{
    /// <summary>
    /// In a new scope: adds each person (or changes the last name of the stored one with its uuid), sends it through
    /// <see cref="IOutboxProducer{TModel}"/>, then saves once.
    /// </summary>
    public static async Task SaveAsync(IServiceProvider services, params Person[] people)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(people);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDb>();
        var outbox = scope.ServiceProvider.GetRequiredService<IOutboxProducer<Person>>();
        foreach (var person in people)
        {
            if (await db.People.FirstOrDefaultAsync(p => p.Uuid == person.Uuid) is { } existing)
            {
                existing.LastName = person.LastName;
                await outbox.SendAsync(existing);
            }
            else
            {
                db.People.Add(person);
                await outbox.SendAsync(person);
            }
        }

        await db.SaveChangesAsync();
    }
}
