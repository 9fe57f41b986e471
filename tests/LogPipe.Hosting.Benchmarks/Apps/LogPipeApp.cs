using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Sample.Data;
using LogPipe.Sample.Serializers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.Benchmarks.Apps;

/// <summary>
/// A service wired as an application would wire it (<c>AddDbContextPool</c>, as the sample does, <c>AddLogPipe</c> with a transport, EF Core
/// checkpoints, the sample's producer and serializers, optionally the transactional outbox), in a generic host whose hosted
/// services run the consumer and the outbox relay.
/// </summary>
public sealed class LogPipeApp : IAsyncDisposable
{
    private readonly IHost _host;
    private AsyncServiceScope? _scope;

    private LogPipeApp(IHost host) => _host = host;

    /// <summary>Builds the app; <see cref="StartAsync"/> starts its consumer.</summary>
    public static LogPipeApp Create(LogPipeAppSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Configuration.Select(c => KeyValuePair.Create("LogPipe:" + c.Key, c.Value)));
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);

        var services = builder.Services;
        services.AddDbContextPool<SampleDbContext>(o =>
        {
            if (settings.Database is { } database) database.Configure(o);
            if (settings.DatabaseProfile is { } profile) o.AddInterceptors(profile.Interceptors);
            // A producer's serializer takes the DbContext but never opens it.
            if (settings.Database is null) o.UseSqlite("Data Source=:memory:");
        });
        services.AddLogPipe(builder.Configuration.GetSection("LogPipe"), logpipe =>
        {
            settings.UseTransport(logpipe);
            logpipe.UseEntityFrameworkOffsets<SampleDbContext>();
            if (settings.Outbox) logpipe.UseEntityFrameworkOutbox<SampleDbContext>();
            if (settings.ProduceTo is { } topic) logpipe.AddProducer<Person, PersonSerializerV2>(topic);
            if (settings.ConsumeFrom is { } stream)
            {
                logpipe.AddConsumer(stream, c =>
                {
                    if (settings.Serializers == ConsumerSerializers.NoOp) c.Register<NoOpPersonSerializer>();
                    else if (settings.Serializers == ConsumerSerializers.SampleUpsertPerRecord) c.Register<PerRecordPersonSerializer>();
                    else c.Register<PersonSerializerV1>().Register<PersonSerializerV2>();
                });
            }
        });

        if (settings.Progress is { } progress)
        {
            services.RemoveAll<ICheckpointStore>();
            services.AddSingleton<EntityFrameworkCheckpointStore<SampleDbContext>>();
            services.AddSingleton<ICheckpointStore>(sp => new CountingCheckpointStore(sp.GetRequiredService<EntityFrameworkCheckpointStore<SampleDbContext>>(), progress));
        }

        return new LogPipeApp(builder.Build());
    }

    /// <summary>The app's <c>IProducer&lt;Person&gt;</c>, from a scope that lives as long as the app.</summary>
    public IProducer<Person> Producer
    {
        get
        {
            _scope ??= _host.Services.CreateAsyncScope();
            return _scope.Value.ServiceProvider.GetRequiredService<IProducer<Person>>();
        }
    }

    /// <summary>The app's services, for a scope per business transaction.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Starts the host (and with it the hosted consumer service and the outbox relay).</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _host.StartAsync(cancellationToken);

    /// <summary>Stops the host: the consumer commits its unit in progress and leaves its group.</summary>
    public Task StopAsync() => _host.StopAsync(CancellationToken.None);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_scope is { } scope) await scope.DisposeAsync().ConfigureAwait(false);
        _host.Dispose();
    }
}
