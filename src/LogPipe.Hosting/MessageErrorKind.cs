namespace LogPipe.Hosting;

/// <summary>Why a record could not be applied. Every kind is a message error: the record is skipped and the offset moves on.</summary>
public enum MessageErrorKind
{
    /// <summary>The value is empty, has no <c>code:</c> prefix, or its body cannot be decoded.</summary>
    Undecodable,

    /// <summary>The format code is not <c>json</c> or <c>msgpack</c> (for example <c>pickle</c>, which is never deserialized).</summary>
    UnknownFormat,

    /// <summary>The envelope lacks <c>type</c>, <c>version</c> or <c>message</c>, or one of them has the wrong kind of value.</summary>
    InvalidEnvelope,

    /// <summary>The record is larger than the configured maximum, or nests or stretches beyond the configured limits.</summary>
    LimitExceeded,

    /// <summary>The message type is in the consumer's ignore list. Not dead-lettered: skipped on purpose.</summary>
    IgnoredType,

    /// <summary>No serializer is registered for the message type.</summary>
    UnknownType,

    /// <summary>Serializers exist for the type, but none for this exact version.</summary>
    UnknownVersion,

    /// <summary>The message body does not fit the serializer's message class (wrong value kinds, malformed values).</summary>
    InvalidMessage,

    /// <summary>The serializer's validation rules rejected the message.</summary>
    ValidationFailed,

    /// <summary>The serializer's save kept failing past the retry budget and the policy skips such records.</summary>
    SaveFailed,
}
