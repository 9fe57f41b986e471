namespace LogPipe.Hosting.TestSupport;

public static class People
{
    public static Person Joe(Guid? uuid = null) => new() { Uuid = uuid ?? Guid.Parse("de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41"), FirstName = "Joe", LastName = "Schmoe" };

    public static List<Person> Many(int count) =>
        Enumerable.Range(0, count).Select(i => new Person { Uuid = Guid.NewGuid(), FirstName = $"First{i}", LastName = $"Last{i}", Email = $"p{i}@example.com" }).ToList();
}
