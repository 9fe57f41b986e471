using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace LogPipe.Hosting;

/// <summary>
/// Reads what a serializer class declares (<c>MessageType</c>, <c>Version</c>, <c>KeyField</c>) when it is registered,
/// before the application's services exist. A class with a parameterless constructor is constructed, so auto-property
/// initializers (<c>{ get; } = 2</c>), expression bodies and constants all read as written. A class whose constructor
/// takes services is read without running it; a member that reads the instance's state then (an auto-property, or an
/// expression body over a field or a constructor parameter) would read as 0 or <see langword="null"/>, so it is refused
/// with the fix instead of being registered wrong.
/// </summary>
internal sealed class SerializerDeclarations
{
    private static readonly Lazy<Dictionary<short, OpCode>> OpCodesByValue = new(() => typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value));

    private SerializerDeclarations(string? messageType, int version, string? keyField)
    {
        MessageType = messageType;
        Version = version;
        KeyField = keyField;
    }

    public string? MessageType { get; }

    public int Version { get; }

    public string? KeyField { get; }

    /// <summary>Reads the declarations of <paramref name="serializerType"/>, or throws naming the class, the member and the fix.</summary>
    public static SerializerDeclarations Read(Type serializerType)
    {
        var parameterless = serializerType.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes);
        if (parameterless is not null)
        {
            IMessageSerializer constructed;
            try
            {
                constructed = (IMessageSerializer)parameterless.Invoke(null);
            }
            catch (TargetInvocationException ex)
            {
                throw new ArgumentException($"{serializerType.FullName}: its parameterless constructor threw while LogPipe read MessageType, Version and KeyField: {ex.InnerException?.Message}", nameof(serializerType), ex.InnerException);
            }

            return ReadFrom(serializerType, constructed);
        }

        // The constructor needs services (a DbContext) that do not exist yet: read without running it, and refuse what
        // only the constructor sets.
        foreach (var member in new[] { nameof(IMessageSerializer.MessageType), nameof(IMessageSerializer.Version), nameof(IMessageSerializer.KeyField) })
        {
            RefuseIfReadsInstanceState(serializerType, member);
        }

        return ReadFrom(serializerType, (IMessageSerializer)RuntimeHelpers.GetUninitializedObject(serializerType));
    }

    private static SerializerDeclarations ReadFrom(Type serializerType, IMessageSerializer serializer)
    {
        try
        {
            return new SerializerDeclarations(serializer.MessageType, serializer.Version, serializer.KeyField);
        }
        catch (Exception ex) when (ex is NullReferenceException or InvalidOperationException)
        {
            throw new ArgumentException($"{serializerType.FullName}: MessageType, Version and KeyField must not depend on constructor arguments or services; declare them as constants (for example `public override string MessageType => \"person\";`).", nameof(serializerType), ex);
        }
    }

    private static void RefuseIfReadsInstanceState(Type serializerType, string member)
    {
        var getter = serializerType.GetProperty(member, BindingFlags.Instance | BindingFlags.Public)?.GetGetMethod(nonPublic: true);
        if (getter is null || !ReadsInstanceField(getter)) return;
        var example = member switch
        {
            nameof(IMessageSerializer.Version) => "public override int Version => 2;",
            nameof(IMessageSerializer.KeyField) => "public override string? KeyField => \"uuid\";",
            _ => "public override string MessageType => \"person\";",
        };
        var isAutoProperty = getter.DeclaringType?.GetField($"<{member}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic) is not null;
        var what = isAutoProperty
            ? "is an auto-property, whose value is only set when the constructor runs"
            : "reads a field or constructor parameter of the instance";
        throw new ArgumentException(
            $"{serializerType.FullName}.{member} {what}, and {serializerType.Name}'s constructor takes services, so LogPipe cannot read it when the serializer is registered. " +
            $"Declare it with an expression body, for example `{example}` (a constant, not a value from the constructor), or give {serializerType.Name} a parameterless constructor.",
            nameof(serializerType));
    }

    /// <summary>Whether the method's IL loads a field of <c>this</c> (<c>ldfld</c>/<c>ldflda</c>).</summary>
    private static bool ReadsInstanceField(MethodInfo method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) return false;
        var opCodes = OpCodesByValue.Value;
        for (var i = 0; i < il.Length;)
        {
            short value = il[i++];
            if (value == 0xFE && i < il.Length) value = (short)(0xFE00 | il[i++]);
            if (!opCodes.TryGetValue(value, out var opCode)) return false;
            if (opCode == OpCodes.Ldfld || opCode == OpCodes.Ldflda) return true;
            i += OperandSize(opCode.OperandType, il, i);
        }

        return false;
    }

    private static int OperandSize(OperandType type, byte[] il, int at) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
        _ => 4,
    };
}
