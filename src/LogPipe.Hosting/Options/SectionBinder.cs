using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting;

/// <summary>
/// Binds an options object from its configuration section the way the configuration binder does, with two additions:
/// every value is checked before binding, so a bad one is reported as the key it is under and the values it may take
/// (the binder would throw its own conversion error, naming the type and not the choices); and each time span
/// <c>X</c> is also read from the keys of its former numeric form, <c>XMs</c> (milliseconds) and <c>XSeconds</c>, so
/// configuration written before the options became <see cref="TimeSpan"/> keeps working. Giving both forms with
/// different values is an error naming both keys.
/// </summary>
internal static class SectionBinder
{
    private static readonly (string Suffix, Func<double, TimeSpan> ToTimeSpan)[] FormerDurationKeys =
    [
        ("Ms", TimeSpan.FromMilliseconds),
        ("Seconds", TimeSpan.FromSeconds),
    ];

    /// <summary>Checks and binds <paramref name="section"/> into <paramref name="options"/>.</summary>
    /// <typeparam name="TOptions">The options class.</typeparam>
    /// <param name="section">The configuration section, for example <c>LogPipe</c>.</param>
    /// <param name="options">The options object to fill.</param>
    /// <param name="sectionPath">The section's path, for messages.</param>
    /// <exception cref="OptionsValidationException">A value cannot be read; the failures name every bad key.</exception>
    public static void Bind<TOptions>(IConfiguration section, TOptions options, string sectionPath)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(section, typeof(TOptions), sectionPath, failures);
        if (failures.Count > 0) throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(TOptions), failures);
        section.Bind(options);
        ApplyFormerDurationKeys(section, options);
    }

    /// <summary>The failures <see cref="Bind"/> would report for <paramref name="section"/>, without binding.</summary>
    /// <param name="section">The configuration section.</param>
    /// <param name="optionsType">The options class.</param>
    /// <param name="sectionPath">The section's path, for messages.</param>
    /// <returns>One message per bad key, each starting with the key.</returns>
    public static IReadOnlyList<string> Failures(IConfiguration section, Type optionsType, string sectionPath)
    {
        var failures = new List<string>();
        Check(section, optionsType, sectionPath, failures);
        return failures;
    }

    private static void Check(IConfiguration section, Type type, string path, List<string> failures)
    {
        foreach (var property in BindableProperties(type))
        {
            var key = path + ":" + property.Name;
            var child = section.GetSection(property.Name);
            var valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsNested(valueType))
            {
                if (child.GetChildren().Any()) Check(child, valueType, key, failures);
                continue;
            }

            if (!string.IsNullOrEmpty(child.Value) && Problem(child.Value, valueType) is { } problem)
            {
                failures.Add($"{key}: '{child.Value}' {problem}");
            }

            if (valueType == typeof(TimeSpan)) CheckFormerDurationKeys(section, property.Name, path, failures);
        }
    }

    private static void CheckFormerDurationKeys(IConfiguration section, string name, string path, List<string> failures)
    {
        var current = section[name];
        TimeSpan? currentValue = !string.IsNullOrEmpty(current) && Problem(current, typeof(TimeSpan)) is null
            ? TimeSpan.Parse(current, CultureInfo.InvariantCulture)
            : null;
        foreach (var (suffix, toTimeSpan) in FormerDurationKeys)
        {
            var former = section[name + suffix];
            if (string.IsNullOrEmpty(former)) continue;
            var formerKey = $"{path}:{name}{suffix}";
            var unit = suffix == "Ms" ? "milliseconds" : "seconds";
            if (!TryReadNumber(former, out var number))
            {
                failures.Add($"{formerKey}: '{former}' is not a number of {unit}; use a whole number, or {path}:{name} with a time span such as 00:00:30.");
                continue;
            }

            if (current is not null && currentValue != toTimeSpan(number))
            {
                failures.Add($"{path}:{name} ('{current}') and {formerKey} ({former}, its former name in {unit}) disagree; keep one of them.");
            }
        }
    }

    private static void ApplyFormerDurationKeys(IConfiguration section, object options)
    {
        foreach (var property in BindableProperties(options.GetType()))
        {
            var valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsNested(valueType))
            {
                if (property.GetValue(options) is { } nested) ApplyFormerDurationKeys(section.GetSection(property.Name), nested);
                continue;
            }

            if (valueType != typeof(TimeSpan) || !string.IsNullOrEmpty(section[property.Name])) continue;
            foreach (var (suffix, toTimeSpan) in FormerDurationKeys)
            {
                if (TryReadNumber(section[property.Name + suffix], out var number)) property.SetValue(options, toTimeSpan(number));
            }
        }
    }

    private static string? Problem(string value, Type type)
    {
        if (type == typeof(string) || type == typeof(object)) return null;
        var converter = TypeDescriptor.GetConverter(type);
        if (!converter.CanConvertFrom(typeof(string))) return null;
        object? converted;
        try
        {
            converted = converter.ConvertFromInvariantString(value);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException || ex.InnerException is FormatException or OverflowException)
        {
            converted = null;
        }

        if (type.IsEnum)
        {
            var defined = converted is not null && (type.IsDefined(typeof(FlagsAttribute)) || Enum.IsDefined(type, converted));
            return defined ? null : $"is not one of the allowed values: {Choices(type)}.";
        }

        if (converted is not null) return null;
        if (type == typeof(TimeSpan)) return "is not a time span; use [d.]hh:mm:ss[.fffffff], for example 00:00:30 for thirty seconds or 00:00:00.200 for 200 ms.";
        if (type == typeof(bool)) return "is not true or false.";
        return $"is not a {FriendlyName(type)}.";
    }

    /// <summary>The values an enum takes in configuration: its <see cref="DescriptionAttribute"/> when it has one (the spelling configuration files use), else its names.</summary>
    private static string Choices(Type enumType) =>
        enumType.GetCustomAttribute<DescriptionAttribute>()?.Description ?? string.Join(", ", Enum.GetNames(enumType));

    /// <summary>
    /// The configuration key a value at <paramref name="propertyPath"/> (<c>Failures:SaveTimeout</c>) came from: the
    /// former numeric key (<c>Failures:SaveTimeoutMs</c>) when only that one is set, so that a message names what the
    /// user wrote.
    /// </summary>
    /// <param name="section">The options' section, or <see langword="null"/> when they come from code only.</param>
    /// <param name="propertyPath">The property's path below the section, with <c>:</c> separators.</param>
    /// <returns>The path to name.</returns>
    public static string KeyFor(IConfiguration? section, string propertyPath)
    {
        if (section is null || !string.IsNullOrEmpty(section[propertyPath])) return propertyPath;
        foreach (var (suffix, _) in FormerDurationKeys)
        {
            if (!string.IsNullOrEmpty(section[propertyPath + suffix])) return propertyPath + suffix;
        }

        return propertyPath;
    }

    private static bool TryReadNumber(string? value, out double number) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);

    private static string FriendlyName(Type type) => type == typeof(int) || type == typeof(long) || type == typeof(short)
        ? "whole number"
        : type == typeof(double) || type == typeof(decimal) || type == typeof(float) ? "number" : type.Name;

    private static bool IsNested(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(Uri) && !typeof(IEnumerable).IsAssignableFrom(type);

    private static IEnumerable<PropertyInfo> BindableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.SetMethod is { IsPublic: true } || IsNested(p.PropertyType)));
}
