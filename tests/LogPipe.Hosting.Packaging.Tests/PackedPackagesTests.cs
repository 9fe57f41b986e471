namespace LogPipe.Hosting.Packaging.Tests;

/// <summary>The tests that install the packed packages: they share one packing (it takes minutes) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class PackedPackagesTests : ICollectionFixture<PackedPackages>
{
    public const string Name = "Packed packages";
}
