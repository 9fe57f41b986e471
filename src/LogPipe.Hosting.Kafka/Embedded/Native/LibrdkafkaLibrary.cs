using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace LogPipe.Hosting.Kafka.Embedded.Native;

/// <summary>
/// Points this assembly's <c>librdkafka</c> imports at the very library Confluent.Kafka loaded.
/// </summary>
/// <remarks>
/// The runtime packages ship several builds (<c>librdkafka.so</c>, <c>centos8-librdkafka.so</c>,
/// <c>alpine-librdkafka.so</c>) and Confluent.Kafka picks the first that loads: on Debian 12 plain
/// <c>librdkafka.so</c> needs <c>libsasl2.so.3</c>, which is missing, so it ends up on the centos8 build.
/// A plain <c>DllImport("librdkafka")</c> would fail there, and a second copy of the library would be a
/// separate librdkafka anyway. Loading the same path again returns the same handle.
/// </remarks>
internal static class LibrdkafkaLibrary
{
    /// <summary>The library name used by every import in this assembly.</summary>
    internal const string Name = "librdkafka";

    /// <summary>An export only the builds with the mock cluster have; proves we found the right library.</summary>
    private const string MockClusterExport = "rd_kafka_mock_cluster_new";

    // Confluent.Kafka tries these names in this order (see its NativeMethods* classes).
    private static readonly string[] CandidateNames = ["librdkafka", "centos8-librdkafka", "alpine-librdkafka"];

    private static readonly Lazy<nint> LoadedHandle = new(LoadSameAsConfluent, LazyThreadSafetyMode.ExecutionAndPublication);

    private static int _resolverRegistered;

    /// <summary>Registers the import resolver for this assembly once; later calls do nothing.</summary>
    internal static void EnsureResolver()
    {
        if (Interlocked.Exchange(ref _resolverRegistered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(LibrdkafkaLibrary).Assembly, Resolve);
        }

        // Fail here, with a clear message, rather than at the first import call.
        _ = LoadedHandle.Value;
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        string.Equals(libraryName, Name, StringComparison.Ordinal) ? LoadedHandle.Value : 0;

    private static nint LoadSameAsConfluent()
    {
        // Does nothing when a client already loaded it; throws when no build loads on this machine.
        Library.Load();

        foreach (var path in LoadedLibraryPaths())
        {
            if (NativeLibrary.TryLoad(path, out var handle) && HasMockCluster(handle))
            {
                return handle;
            }
        }

        var confluentAssembly = typeof(Library).Assembly;
        foreach (var name in CandidateNames)
        {
            if (NativeLibrary.TryLoad(name, confluentAssembly, null, out var handle) && HasMockCluster(handle))
            {
                return handle;
            }
        }

        throw new DllNotFoundException(
            $"Confluent.Kafka loaded librdkafka {Library.VersionString}, but no loaded librdkafka exporting " +
            $"'{MockClusterExport}' could be found for the embedded Kafka broker.");
    }

    private static bool HasMockCluster(nint handle) => NativeLibrary.TryGetExport(handle, MockClusterExport, out _);

    /// <summary>On Linux, the files named like librdkafka that this process has mapped, in map order.</summary>
    private static List<string> LoadedLibraryPaths()
    {
        const string maps = "/proc/self/maps";
        if (!OperatingSystem.IsLinux() || !File.Exists(maps))
        {
            return [];
        }

        var paths = new List<string>();
        foreach (var line in File.ReadLines(maps))
        {
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                continue;
            }

            var path = line[slash..];
            if (Path.GetFileName(path).Contains("librdkafka", StringComparison.Ordinal) && !paths.Contains(path))
            {
                paths.Add(path);
            }
        }

        return paths;
    }
}
