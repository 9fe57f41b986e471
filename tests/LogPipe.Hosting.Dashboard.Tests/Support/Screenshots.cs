using LogPipe.Hosting.TestSupport;
using Microsoft.Playwright;

namespace LogPipe.Hosting.Dashboard.Tests.Support;

/// <summary>
/// The screenshots in docs/images: every run takes them (into a temporary folder), and <c>LOGPIPE_UPDATE_SCREENSHOTS=1</c>
/// writes them over the committed ones, so that a test run leaves the working copy as it was.
/// </summary>
public static class Screenshots
{
    private static readonly string Images = Environment.GetEnvironmentVariable("LOGPIPE_UPDATE_SCREENSHOTS") == "1"
        ? Path.Combine(RepositoryBuild.Root, "docs", "images")
        : Path.Combine(Path.GetTempPath(), "logpipe-dashboard-screenshots");

    public static async Task TakeAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Images);
        var path = Path.Combine(Images, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 10_000, $"{path} is a near-empty screenshot");
    }
}
