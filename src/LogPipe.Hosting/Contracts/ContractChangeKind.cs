namespace LogPipe.Hosting;

/// <summary>What changed between a published message contract and the current serializers.</summary>
public enum ContractChangeKind
{
    /// <summary>A message type that was not published before. Compatible.</summary>
    TypeAdded,

    /// <summary>A new version of a published type. Compatible: this is how a shape changes.</summary>
    VersionAdded,

    /// <summary>A published version is no longer registered: whoever still sends or expects it breaks. Breaking.</summary>
    VersionRemoved,

    /// <summary>The key field (Kafka message key, Kinesis partition key) of a published version changed. Breaking.</summary>
    KeyFieldChanged,

    /// <summary>A field of a published version is gone. Breaking.</summary>
    FieldRemoved,

    /// <summary>A field of a published version is gone and a field of the same type took its place. Breaking.</summary>
    FieldRenamed,

    /// <summary>A field of a published version has another type (or another nested shape). Breaking.</summary>
    FieldTypeChanged,

    /// <summary>A field of a published version may no longer be null. Breaking.</summary>
    NullabilityTightened,

    /// <summary>
    /// A field of a published version may now be null. Breaking when this service sends the message (a consumer
    /// written for the published shape rejects the null); compatible when it only receives it.
    /// </summary>
    NullabilityLoosened,

    /// <summary>An optional field of a published version became required. Breaking.</summary>
    FieldBecameRequired,

    /// <summary>A required field of a published version became optional. Compatible.</summary>
    FieldBecameOptional,

    /// <summary>
    /// A field added to a published version. Compatible when it is optional (django-logpipe's DRF serializers and LogPipe
    /// skip unknown fields); breaking when it is required and this service receives the message, because senders of the
    /// published shape do not write it.
    /// </summary>
    FieldAdded,
}
