using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LogPipe.Hosting;

/// <summary>Reads the record key (the value of the serializer's key field) from a message, as django-logpipe's <c>str(value)</c> would print it.</summary>
internal static class MessageKeyReader
{
    public static Func<TMessage, string?> Create<TMessage>(string? keyField, JsonSerializerOptions options)
    {
        if (keyField is null) return static _ => null;

        var typeInfo = (JsonTypeInfo<TMessage>)options.GetTypeInfo(typeof(TMessage));
        var property = typeInfo.Properties.FirstOrDefault(p => p.Name == keyField)
            ?? throw new InvalidOperationException(
                $"Key field '{keyField}' is not a field of {typeof(TMessage).Name}; its fields are: {string.Join(", ", typeInfo.Properties.Select(p => p.Name))}.");
        var getter = property.Get ?? throw new InvalidOperationException($"Key field '{keyField}' of {typeof(TMessage).Name} cannot be read.");

        // Every record sent reads its key: for the usual key types, a typed getter formats without boxing the value.
        if (property.AttributeProvider is PropertyInfo { GetMethod: { IsStatic: false } get } clrProperty && clrProperty.DeclaringType!.IsAssignableFrom(typeof(TMessage)) && !typeof(TMessage).IsValueType)
        {
            if (clrProperty.PropertyType == typeof(Guid))
            {
                var read = get.CreateDelegate<Func<TMessage, Guid>>();
                return message => read(message).ToString("D");
            }

            if (clrProperty.PropertyType == typeof(string))
            {
                var read = get.CreateDelegate<Func<TMessage, string?>>();
                return message => read(message);
            }

            if (clrProperty.PropertyType == typeof(int))
            {
                var read = get.CreateDelegate<Func<TMessage, int>>();
                return message => read(message).ToString(CultureInfo.InvariantCulture);
            }

            if (clrProperty.PropertyType == typeof(long))
            {
                var read = get.CreateDelegate<Func<TMessage, long>>();
                return message => read(message).ToString(CultureInfo.InvariantCulture);
            }
        }

        return message => Format(getter(message!));
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        Guid g => g.ToString("D"),
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
