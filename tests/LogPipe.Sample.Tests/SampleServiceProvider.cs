using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Sample.Tests;

/// <summary>The sample's services as its Program.cs registers them, with its appsettings.json, built but not started.</summary>
internal static class SampleServiceProvider
{
    public static ServiceProvider Create()
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: false)
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSample(configuration);
        return services.BuildServiceProvider();
    }
}
