using FluentValidation;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting;

/// <summary>
/// Runs a FluentValidation validator as an options validator, reporting each failure with the configuration key it
/// concerns (for example <c>LogPipe:Failures:MaxAttempts</c>) so a startup failure says exactly which setting is wrong.
/// </summary>
/// <typeparam name="TOptions">The options class.</typeparam>
internal sealed class FluentOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    private readonly IValidator<TOptions> _validator;
    private readonly string _sectionPath;
    private readonly string? _name;

    /// <summary>Creates the adapter.</summary>
    /// <param name="validator">The rules.</param>
    /// <param name="sectionPath">The configuration path the options are bound from, for example <c>LogPipe:Kafka</c>.</param>
    /// <param name="name">The named options instance to validate, or <see langword="null"/> for all.</param>
    public FluentOptionsValidator(IValidator<TOptions> validator, string sectionPath, string? name = null)
    {
        _validator = validator;
        _sectionPath = sectionPath;
        _name = name;
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if (_name is not null && _name != name) return ValidateOptionsResult.Skip;
        var result = _validator.Validate(options);
        if (result.IsValid) return ValidateOptionsResult.Success;
        return ValidateOptionsResult.Fail(result.Errors.Select(e => $"{_sectionPath}:{e.PropertyName.Replace('.', ':')}: {e.ErrorMessage}"));
    }
}
