namespace LogPipe.Hosting;

/// <summary>What every serializer declares: the message type and version it handles and the field that keys its records.</summary>
public interface IMessageSerializer
{
    /// <summary>The message type written into the envelope's <c>type</c>; unique within a topic.</summary>
    string MessageType { get; }

    /// <summary>The message version written into the envelope's <c>version</c>; raise it when the message shape changes.</summary>
    int Version { get; }

    /// <summary>
    /// The wire name of the message field whose value is the record key (Kafka message key, Kinesis partition key), for
    /// example <c>uuid</c>; <see langword="null"/> when records have no key.
    /// </summary>
    string? KeyField { get; }

    /// <summary>The CLR type of the message body.</summary>
    Type MessageClrType { get; }
}
