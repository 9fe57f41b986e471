using LogPipe.Hosting.Kinesis;
using LogPipe.Hosting.Kinesis.Client;
using LogPipe.Hosting.Kinesis.Client.Model;
using Microsoft.Extensions.Options;

namespace LogPipe.Sample.Demo;

/// <summary>
/// LogPipe never creates streams. Against a local emulator (<c>LogPipe:Kinesis:ServiceUrl</c> set, e.g. kinesalite) the
/// demo creates its stream so that it runs with one command; against AWS the stream must exist.
/// </summary>
internal static class KinesisStreams
{
    public static async Task EnsureLocalStreamAsync(IServiceProvider services, IConfiguration configuration, string stream)
    {
        if (!string.Equals(configuration["LogPipe:Transport"], "Kinesis", StringComparison.OrdinalIgnoreCase)) return;
        var options = services.GetRequiredService<IOptions<KinesisOptions>>().Value;
        if (string.IsNullOrEmpty(options.ServiceUrl)) return;
        using var client = new KinesisClient(options.ToClientOptions());
        try
        {
            await client.CreateStreamAsync(new CreateStreamRequest { StreamName = stream, ShardCount = configuration.GetValue("Sample:KinesisShards", 4) });
        }
        catch (KinesisResourceInUseException)
        {
            // Already there.
        }

        await client.WaitForStreamActiveAsync(stream);
    }
}
