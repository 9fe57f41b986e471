using LogPipe.Hosting.Contracts;
using LogPipe.Hosting.Formats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting;

/// <summary>
/// The message contracts of a service: for every registered serializer, its (type, version), key field, fields with
/// their wire names, types and nullability, a JSON Schema (draft 2020-12) of the message and a sample record in each
/// format. Export them to <c>logpipe.contracts.json</c>, commit the file, and check every build against it, so a change
/// that would break another service sharing the topic (in any language) fails a test instead of production.
/// </summary>
/// <example>
/// In a unit test of the service: <c>LogPipeContracts.Verify(app.Services, "logpipe.contracts.json");</c>
/// </example>
public static class LogPipeContracts
{
    /// <summary>The conventional name of the contracts file.</summary>
    public const string DefaultFileName = "logpipe.contracts.json";

    /// <summary>The contracts file's text for the serializers registered in <paramref name="services"/>: deterministic, no timestamps.</summary>
    /// <param name="services">The service's built services (an <c>IHost</c>'s or a <c>WebApplicationFactory</c>'s).</param>
    /// <returns>Indented JSON with <c>\n</c> line ends and a final newline.</returns>
    /// <exception cref="InvalidOperationException"><c>AddLogPipe</c> was not called, or two serializers disagree on one (type, version).</exception>
    public static string Export(IServiceProvider services) => Current(services).ToJson();

    /// <summary>Writes the contracts file for the serializers registered in <paramref name="services"/>.</summary>
    /// <param name="services">The service's built services.</param>
    /// <param name="path">Where to write, normally <see cref="DefaultFileName"/> next to the service's project.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public static async Task WriteAsync(IServiceProvider services, string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = Current(services).ToUtf8();
        await File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Compares the serializers registered in <paramref name="services"/> with the published contracts in <paramref name="path"/>.</summary>
    /// <param name="services">The service's built services.</param>
    /// <param name="path">The committed contracts file.</param>
    /// <returns>Every difference, each marked breaking or compatible.</returns>
    /// <exception cref="FileNotFoundException">There is no contracts file at <paramref name="path"/>.</exception>
    /// <exception cref="FormatException">The file is not a contracts file.</exception>
    public static ContractCheckResult Check(IServiceProvider services, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var current = Current(services);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"No contracts file at {Path.GetFullPath(path)}. Create it with `logpipe contracts export` (or LogPipeContracts.WriteAsync) and commit it.", path);
        }

        return Compare(File.ReadAllText(path), path, current);
    }

    /// <summary>
    /// Throws when the serializers registered in <paramref name="services"/> break a contract published in
    /// <paramref name="path"/>, with a message listing every breaking change by type, version and field. Compatible
    /// changes (a new version, a new type, an added optional field) pass.
    /// </summary>
    /// <param name="services">The service's built services.</param>
    /// <param name="path">The committed contracts file.</param>
    /// <returns>The check, for further assertions.</returns>
    /// <exception cref="ContractViolationException">A published contract is broken.</exception>
    /// <exception cref="FileNotFoundException">There is no contracts file at <paramref name="path"/>.</exception>
    public static ContractCheckResult Verify(IServiceProvider services, string path)
    {
        var result = Check(services, path);
        return result.IsCompatible ? result : throw new ContractViolationException(result);
    }

    internal static ContractCheckResult Compare(string publishedJson, string source, ContractDocument current) =>
        new(source, ContractComparer.Compare(ContractDocument.Parse(publishedJson, source), current));

    internal static ContractDocument Current(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var configuration = services.GetService<LogPipeConfiguration>()
            ?? throw new InvalidOperationException("LogPipe is not registered in these services; call AddLogPipe first.");
        var codec = services.GetRequiredService<WireCodec>();
        var naming = services.GetRequiredService<IOptions<LogPipeOptions>>().Value.FieldNaming;
        return ContractExporter.Export(configuration, codec.PayloadOptions, naming);
    }
}
