using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Transport;

/// <summary>Picks the transport named by <c>LogPipe:Transport</c> among those added, and creates it once.</summary>
internal sealed class TransportSelector
{
    private readonly Lazy<ITransport> _current;

    public TransportSelector(IServiceProvider services, IEnumerable<TransportRegistration> registrations, IOptions<LogPipeOptions> options)
    {
        var all = registrations.ToList();
        Name = Choose(all, options.Value.Transport);
        var chosen = all.Single(r => string.Equals(r.Name, Name, StringComparison.OrdinalIgnoreCase));
        _current = new Lazy<ITransport>(() => chosen.Create(services));
    }

    public string Name { get; }

    public ITransport Current => _current.Value;

    /// <summary>The transport name to use, or an exception naming <c>LogPipe:Transport</c> and what is available.</summary>
    public static string Choose(IReadOnlyList<TransportRegistration> registrations, string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return registrations.FirstOrDefault(r => string.Equals(r.Name, configured, StringComparison.OrdinalIgnoreCase))?.Name
                ?? throw new OptionsValidationException(
                    LogPipeOptions.SectionName,
                    typeof(LogPipeOptions),
                    [$"LogPipe:Transport is '{configured}', but that transport was not added. Available: {string.Join(", ", registrations.Select(r => r.Name))}. Call Use{configured}() in AddLogPipe."]);
        }

        var external = registrations.Where(r => !r.IsInMemory).ToList();
        return external.Count switch
        {
            0 => registrations.First(r => r.IsInMemory).Name,
            1 => external[0].Name,
            _ => throw new OptionsValidationException(
                LogPipeOptions.SectionName,
                typeof(LogPipeOptions),
                [$"LogPipe:Transport is not set and several transports were added ({string.Join(", ", external.Select(r => r.Name))}); set it to one of them."]),
        };
    }
}
