using FluentValidation;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting;

/// <summary>
/// Configures LogPipe inside <c>AddLogPipe</c>: the transport (<c>UseKafka()</c>, <c>UseKinesis()</c>), where checkpoints
/// live (<c>UseEntityFrameworkOffsets&lt;TDbContext&gt;()</c>), producers and consumers. <c>Use*</c> picks one thing,
/// <c>Add*</c> adds to a collection.
/// </summary>
public sealed class LogPipeBuilder
{
    private readonly List<ProducerDefinition> _producers = [];
    private readonly List<ConsumerDefinition> _consumers = [];

    internal LogPipeBuilder(IServiceCollection services, IConfiguration? configuration)
    {
        Services = services;
        Configuration = configuration;
    }

    /// <summary>The application's services; transports and stores register themselves here.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The <c>LogPipe</c> configuration section, when <c>AddLogPipe</c> was given one.</summary>
    public IConfiguration? Configuration { get; }

    /// <summary>Adds a transport that <c>LogPipe:Transport</c> can select. Used by transport packages.</summary>
    /// <param name="registration">The transport.</param>
    /// <returns>This builder.</returns>
    public LogPipeBuilder AddTransport(TransportRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        Services.AddSingleton(registration);
        return this;
    }

    /// <summary>
    /// Binds a transport's options from the <c>LogPipe</c> section's <paramref name="sectionName"/> subsection, applies
    /// <paramref name="configure"/>, and validates them at startup with <typeparamref name="TValidator"/>, reporting
    /// failures under their configuration keys (for example <c>LogPipe:Kafka:AutoOffsetReset</c>). A value that cannot be
    /// read (an unknown enum name, a malformed time span) is reported the same way, with the values it may take; every
    /// <see cref="TimeSpan"/> property <c>X</c> is also read from <c>XMs</c> (milliseconds) or <c>XSeconds</c>, the keys of
    /// its former numeric form. Used by transport packages.
    /// </summary>
    /// <typeparam name="TOptions">The options class.</typeparam>
    /// <typeparam name="TValidator">Its FluentValidation rules.</typeparam>
    /// <param name="sectionName">The subsection, for example <c>Kafka</c>.</param>
    /// <param name="configure">Changes after binding, or <see langword="null"/>.</param>
    /// <returns>The configuration path the options are bound from, for error messages.</returns>
    public string AddValidatedOptions<TOptions, TValidator>(string sectionName, Action<TOptions>? configure)
        where TOptions : class
        where TValidator : class, IValidator<TOptions>
    {
        var options = Services.AddOptions<TOptions>();
        var sectionPath = LogPipeOptions.SectionName + ":" + sectionName;
        IConfiguration? boundFrom = null;
        if (Configuration is { } configuration)
        {
            var section = configuration.GetSection(sectionName);
            var path = section.Path;
            options.Configure(o => SectionBinder.Bind(section, o, path));
            Services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(new ConfigurationChangeTokenSource<TOptions>(section));
            sectionPath = path;
            boundFrom = section;
        }

        if (configure is not null) options.Configure(configure);
        options.ValidateOnStart();
        Services.TryAddSingleton<IValidator<TOptions>, TValidator>();
        Services.AddSingleton<IValidateOptions<TOptions>>(sp => new FluentOptionsValidator<TOptions>(sp.GetRequiredService<IValidator<TOptions>>(), sectionPath, section: boundFrom));
        return sectionPath;
    }

    /// <summary>Keeps checkpoints and dead letters in <typeparamref name="TStore"/> (replacing the in-memory default).</summary>
    /// <typeparam name="TStore">The store.</typeparam>
    /// <returns>This builder.</returns>
    public LogPipeBuilder UseCheckpointStore<TStore>()
        where TStore : class, ICheckpointStore
    {
        Services.RemoveAll<ICheckpointStore>();
        Services.AddSingleton<ICheckpointStore, TStore>();
        return this;
    }

    /// <summary>
    /// Runs on the in-memory transport on purpose (tests, tools, demos): records never leave this process. Without this
    /// call, starting on the in-memory transport (no <c>UseKafka()</c> or <c>UseKinesis()</c>) is a startup error outside
    /// the Development environment. The transport is the one used when no other is added or <c>LogPipe:Transport</c> is
    /// <c>InMemory</c>.
    /// </summary>
    /// <returns>This builder.</returns>
    public LogPipeBuilder UseInMemoryTransport()
    {
        Services.AddSingleton(new InMemoryOptIn(Transport: true, Checkpoints: false));
        return this;
    }

    /// <summary>
    /// Keeps checkpoints and dead letters in process memory on purpose (tests, tools): a restart reads from the start
    /// again. Without this call, consumers whose checkpoints live in memory (no <c>UseEntityFrameworkOffsets&lt;TDbContext&gt;()</c>
    /// or <c>UseKafkaOffsets()</c>) are a startup error outside the Development environment.
    /// </summary>
    /// <returns>This builder.</returns>
    public LogPipeBuilder UseInMemoryOffsets()
    {
        Services.AddSingleton(new InMemoryOptIn(Transport: false, Checkpoints: true));
        return UseCheckpointStore<InMemory.InMemoryCheckpointStore>();
    }

    /// <summary>
    /// Sends <typeparamref name="TModel"/> to <paramref name="stream"/> through <typeparamref name="TSerializer"/>; inject
    /// <see cref="IProducer{TModel}"/> to send directly, or <see cref="IOutboxProducer{TModel}"/> to send through the
    /// transactional outbox (needs an outbox store such as <c>UseEntityFrameworkOutbox&lt;TDbContext&gt;()</c>).
    /// <see cref="IProducer{TModel}"/> is a singleton, so controllers, singletons and hosted services (a
    /// <c>BackgroundService</c>) can all inject it; each send resolves the serializer in a scope of its own.
    /// <see cref="IOutboxProducer{TModel}"/> is scoped: it writes through the scope's DbContext.
    /// </summary>
    /// <typeparam name="TModel">The model class.</typeparam>
    /// <typeparam name="TSerializer">A <see cref="ModelSerializer{TModel, TMessage}"/> for the model (or a <see cref="MessageSerializer{TMessage}"/> whose message is the model).</typeparam>
    /// <param name="stream">The Kafka topic or Kinesis stream.</param>
    /// <param name="format">The format to write; <see langword="null"/> for <c>LogPipe:DefaultFormat</c>.</param>
    /// <param name="name">
    /// Registers the producer as a keyed service under this name (inject with <c>[FromKeyedServices("v1")]</c>), so one
    /// model can be sent through several serializers — for example both versions while consumers migrate from V1 to V2.
    /// <see langword="null"/> registers the model's default producer.
    /// </param>
    /// <returns>This builder.</returns>
    public LogPipeBuilder AddProducer<TModel, TSerializer>(string stream, string? format = null, string? name = null)
        where TModel : class
        where TSerializer : class, IMessageSerializer
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        if (format is not null && !Formats.WireFormat.IsSupported(format))
        {
            throw new ArgumentException($"'{format}' is not a format; use json or msgpack.", nameof(format));
        }

        var descriptor = SerializerDescriptor.For(typeof(TSerializer));
        if (descriptor.ModelClrType != typeof(TModel) && descriptor.MessageClrType != typeof(TModel))
        {
            throw new ArgumentException($"{typeof(TSerializer).Name} maps {descriptor.ModelClrType?.Name ?? descriptor.MessageClrType.Name}, not {typeof(TModel).Name}.");
        }

        if (_producers.Exists(p => p.Name == name && (p.Serializer.ModelClrType == typeof(TModel) || p.Serializer.MessageClrType == typeof(TModel))))
        {
            throw new ArgumentException(name is null
                ? $"A producer for {typeof(TModel).Name} is already added; add further ones with a name (keyed service)."
                : $"A producer named '{name}' for {typeof(TModel).Name} is already added.");
        }

        var definition = new ProducerDefinition(stream, descriptor, format) { Name = name };
        _producers.Add(definition);
        Services.TryAddScoped<TSerializer>();
        var producerType = typeof(LogPipeProducer<,>).MakeGenericType(typeof(TModel), descriptor.MessageClrType);
        var outboxType = typeof(OutboxProducer<,>).MakeGenericType(typeof(TModel), descriptor.MessageClrType);
        if (name is null)
        {
            Services.AddSingleton(typeof(IProducer<TModel>), sp => ActivatorUtilities.CreateInstance(sp, producerType, definition));
            Services.AddScoped(typeof(IOutboxProducer<TModel>), sp => ActivatorUtilities.CreateInstance(sp, outboxType, definition, sp));
        }
        else
        {
            Services.AddKeyedSingleton(typeof(IProducer<TModel>), name, (sp, _) => ActivatorUtilities.CreateInstance(sp, producerType, definition));
            Services.AddKeyedScoped(typeof(IOutboxProducer<TModel>), name, (sp, _) => ActivatorUtilities.CreateInstance(sp, outboxType, definition, sp));
        }

        return this;
    }

    /// <summary>Consumes <paramref name="stream"/>; register its serializers and ignored types in <paramref name="configure"/>.</summary>
    /// <param name="stream">The Kafka topic or Kinesis stream.</param>
    /// <param name="configure">Registers serializers, ignores types, overrides failure options.</param>
    /// <returns>This builder.</returns>
    public LogPipeBuilder AddConsumer(string stream, Action<ConsumerBuilder> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        ArgumentNullException.ThrowIfNull(configure);
        if (stream.Length > CheckpointKeyLimits.Stream)
        {
            // Every checkpoint and dead letter of the consumer keeps the name: fail here, not at the first checkpoint write.
            throw new ArgumentException($"The consumer's topic or stream name is {stream.Length} characters long; checkpoints keep it in a column of {CheckpointKeyLimits.Stream}: '{stream}'.", nameof(stream));
        }

        if (_consumers.Exists(c => c.Stream == stream))
        {
            throw new ArgumentException($"A consumer of '{stream}' is already added; register all its serializers in one AddConsumer call.", nameof(stream));
        }

        var builder = new ConsumerBuilder(stream);
        configure(builder);
        var definition = builder.Build();
        foreach (var serializer in definition.Serializers) Services.TryAdd(ServiceDescriptor.Scoped(serializer.SerializerType, serializer.SerializerType));
        _consumers.Add(definition);
        return this;
    }

    internal LogPipeConfiguration Build() => new([.. _producers], [.. _consumers]);
}
