using FluentValidation;
using LogPipe.Sample.Data;
using LogPipe.Sample.Serializers;

namespace LogPipe.Hosting.Benchmarks.Apps;

/// <summary>
/// The sample's <see cref="PersonSerializerV2"/> without its set-wise save: one prefetch per unit, then a lookup and an
/// insert or update through the change tracker per message, all flushed by one <c>SaveChanges</c> at commit — the path
/// the sample took before it saved set-wise, and what a serializer without <see cref="IBatchMessageSerializer{TMessage}"/> does.
/// </summary>
public sealed class PerRecordPersonSerializer(SampleDbContext db) : MessageSerializer<PersonMessageV2>
{
    private readonly PersonSerializerV2 _sample = new(db);

    /// <inheritdoc />
    public override string MessageType => "person";

    /// <inheritdoc />
    public override int Version => 2;

    /// <inheritdoc />
    public override string? KeyField => "uuid";

    /// <inheritdoc />
    public override IValidator<PersonMessageV2>? Validator => _sample.Validator;

    /// <inheritdoc />
    public override bool BatchSaves => true;

    /// <inheritdoc />
    public override Task PrefetchAsync(IReadOnlyList<PersonMessageV2> messages, CancellationToken cancellationToken) => _sample.LoadReplicasAsync(messages, cancellationToken);

    /// <inheritdoc />
    public override Task SaveAsync(PersonMessageV2 message, CancellationToken cancellationToken) => _sample.SaveAsync(message, cancellationToken);
}
