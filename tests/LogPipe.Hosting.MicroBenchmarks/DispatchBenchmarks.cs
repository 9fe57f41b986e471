using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using FluentValidation;
using LogPipe.Hosting.Consumers;
using LogPipe.Hosting.Formats;
using LogPipe.Hosting.Transport;
using LogPipe.Sample.Serializers;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.MicroBenchmarks;

/// <summary>
/// The consumer's per-record dispatch without a database: decode → checks (ignored, type, version) → deserialize the
/// message → resolve the serializer from the unit of work's scope → lookup → validate → save (no-op). This is
/// <c>RecordProcessor</c>'s path, reached through the public <see cref="LogPipeRecordApplier"/>, so no internals are needed.
/// </summary>
[MemoryDiagnoser]
public class DispatchBenchmarks
{
    private ServiceProvider? _services;
    private AsyncServiceScope _scope;
    private LogPipeRecordApplier? _applier;
    private IncomingRecord? _plain;
    private IncomingRecord? _validated;

    /// <summary>The wire format.</summary>
    [Params(WireFormat.Json, WireFormat.MessagePack)]
    public string Format { get; set; } = WireFormat.Json;

    /// <summary>Builds LogPipe (in-memory transport) with two consumers: one without validation, one with the sample V2's rules.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLogPipe(logpipe => logpipe
            .AddConsumer("people", c => c.Register<NoOpSerializer>())
            .AddConsumer("people-validated", c => c.Register<ValidatedNoOpSerializer>()));
        _services = services.BuildServiceProvider();
        _applier = _services.GetRequiredService<LogPipeRecordApplier>();
        // One scope per unit of work in the consumer service; a record's dispatch runs inside it.
        _scope = _services.CreateAsyncScope();
        var value = MicroPeople.Value(Format);
        _plain = new IncomingRecord(new PartitionKey("memory", "people", "0"), 0, null, value, DateTimeOffset.UnixEpoch);
        _validated = new IncomingRecord(new PartitionKey("memory", "people-validated", "0"), 0, null, value, DateTimeOffset.UnixEpoch);
    }

    /// <summary>Disposes the scope and the container.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _scope.DisposeAsync();
        if (_services is not null) await _services.DisposeAsync();
    }

    /// <summary>Dispatch to a serializer without rules.</summary>
    [Benchmark(Baseline = true)]
    public Task<ApplyResult> Dispatch() => _applier!.ApplyAsync(_plain!, _scope.ServiceProvider, CancellationToken.None);

    /// <summary>Dispatch to a serializer with the sample's V2 validation rules (FluentValidation, email address check).</summary>
    [Benchmark]
    public Task<ApplyResult> DispatchAndValidate() => _applier!.ApplyAsync(_validated!, _scope.ServiceProvider, CancellationToken.None);

    /// <summary>Saves nothing.</summary>
    public sealed class NoOpSerializer : MessageSerializer<PersonMessageV2>
    {
        /// <inheritdoc />
        public override string MessageType => "person";

        /// <inheritdoc />
        public override int Version => 2;

        /// <inheritdoc />
        public override Task SaveAsync(PersonMessageV2 message, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Saves nothing, after the rules of the sample's <c>PersonSerializerV2</c>.</summary>
    public sealed class ValidatedNoOpSerializer : MessageSerializer<PersonMessageV2>
    {
        // The sample's rules are a static of its serializer; reading them does not need its DbContext.
        private static readonly IValidator<PersonMessageV2> SampleRules =
            ((PersonSerializerV2)RuntimeHelpers.GetUninitializedObject(typeof(PersonSerializerV2))).Validator;

        /// <inheritdoc />
        public override string MessageType => "person";

        /// <inheritdoc />
        public override int Version => 2;

        /// <inheritdoc />
        public override IValidator<PersonMessageV2> Validator => SampleRules;

        /// <inheritdoc />
        public override Task SaveAsync(PersonMessageV2 message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
