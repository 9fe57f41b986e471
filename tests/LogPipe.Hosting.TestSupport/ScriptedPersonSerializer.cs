using LogPipe.Hosting.TestSupport;

namespace LogPipe.Hosting.TestSupport;

/// <summary>A serializer for <c>person</c> version 1 whose saves do what the test's <see cref="SaveScript"/> says.</summary>
public sealed class ScriptedPersonSerializer : MessageSerializer<PersonV1>
{
    private readonly TestDb _db;
    private readonly SaveScript _script;

    public ScriptedPersonSerializer(TestDb db, SaveScript script)
    {
        if (script.FailConstruction is { } failure) throw failure;
        _db = db;
        _script = script;
    }

    public override string MessageType => "person";

    public override int Version => 1;

    public override string? KeyField => "uuid";

    public override bool BatchSaves => true;

    public override async Task SaveAsync(PersonV1 message, CancellationToken cancellationToken)
    {
        _script.Tries.AddOrUpdate(message.Uuid, 1, (_, n) => n + 1);
        _script.Entered.TrySetResult();
        if (_script.BeforeSave is { } before) await before(message, _db, cancellationToken);
        _db.People.Add(new Person { Uuid = message.Uuid, FirstName = message.FirstName, LastName = message.LastName, Applied = 1 });
    }
}
