namespace LogPipe.Hosting.Dashboard.Tests.Support;

/// <summary>One Chromium for all browser tests: starting it is the slow part.</summary>
[CollectionDefinition(Name)]
public sealed class ChromiumTests : ICollectionFixture<Chromium>
{
    public const string Name = "chromium";
}
