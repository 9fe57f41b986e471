using LogPipe.Hosting.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Tests.Contracts;

/// <summary>Services with a few serializers registered on the in-memory transport, and their contracts.</summary>
internal static class ContractServices
{
    public static ServiceProvider Provider(Action<LogPipeBuilder> configure, Action<LogPipeOptions>? options = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddLogPipe(
            lp =>
            {
                lp.UseInMemoryTransport().UseInMemoryOffsets();
                configure(lp);
            },
            options);
        return services.BuildServiceProvider();
    }

    public static ContractDocument Document(Action<LogPipeBuilder> configure)
    {
        using var provider = Provider(configure);
        return LogPipeContracts.Current(provider);
    }

    public static Action<LogPipeBuilder> Consumes<TSerializer>()
        where TSerializer : class, IMessageSerializer =>
        lp => lp.AddConsumer("people", c => c.Register<TSerializer>());

    public static Action<LogPipeBuilder> Produces<TMessage, TSerializer>()
        where TMessage : class
        where TSerializer : class, IMessageSerializer =>
        lp => lp.AddProducer<TMessage, TSerializer>("people");
}
