using FluentValidation;
using Microsoft.Extensions.Configuration;
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
    private readonly IConfiguration? _section;

    /// <summary>Creates the adapter.</summary>
    /// <param name="validator">The rules.</param>
    /// <param name="sectionPath">The configuration path the options are bound from, for example <c>LogPipe:Kafka</c>.</param>
    /// <param name="name">The named options instance to validate, or <see langword="null"/> for all.</param>
    /// <param name="section">
    /// The section the options are bound from, if any: a time span set through its former key (<c>SaveTimeoutMs</c>) is
    /// reported under that key.
    /// </param>
    public FluentOptionsValidator(IValidator<TOptions> validator, string sectionPath, string? name = null, IConfiguration? section = null)
    {
        _section = section;
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
        return ValidateOptionsResult.Fail(result.Errors.Select(e => $"{_sectionPath}:{SectionBinder.KeyFor(_section, e.PropertyName.Replace('.', ':'))}: {e.ErrorMessage}"));
    }
}
