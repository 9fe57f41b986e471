namespace LogPipe.Hosting.Kinesis.Tests.Fixtures;

/// <summary>Test classes in this collection share one kinesalite server (and run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class SharedKinesalite : ICollectionFixture<KinesaliteFixture>
{
    /// <summary>The collection's name, for <c>[Collection(SharedKinesalite.Name)]</c>.</summary>
    public const string Name = "kinesalite";
}
