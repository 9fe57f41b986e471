using Microsoft.Playwright;

namespace LogPipe.Hosting.Dashboard.Tests.Support;

/// <summary>
/// A headless Chromium for the browser tests, driven by Microsoft.Playwright: the machine's own browser (Debian's
/// <c>chromium</c> package; <c>LOGPIPE_CHROMIUM</c> names another executable), launched by path.
/// </summary>
/// <remarks>
/// What works offline: the Microsoft.Playwright package carries its driver (Node and playwright-core under
/// <c>.playwright/</c> in the build output), so <see cref="Playwright.CreateAsync"/> needs nothing from the network. Only
/// <c>playwright install</c> downloads browsers, and it is never run: <see cref="BrowserTypeLaunchOptions.ExecutablePath"/>
/// points Playwright at the installed Chromium instead (its version need not match Playwright's pinned one for the
/// features used here: pages, clicks, screenshots). <c>--no-sandbox</c> because tests run as root on CI, where Chromium's
/// sandbox refuses to start.
/// </remarks>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("LOGPIPE_CHROMIUM") is { Length: > 0 } configured ? configured
        : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            "No Chromium for the dashboard's browser tests: install Debian's chromium package (apt-get install -y chromium, or tests/run-all.sh --install), or set LOGPIPE_CHROMIUM to a Chromium executable.");

    public async Task InitializeAsync()
    {
        var executable = ExecutablePath;
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A new page in a fresh context (own cookies), 1280 px wide for screenshots.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 }, ColorScheme = ColorScheme.Dark });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
