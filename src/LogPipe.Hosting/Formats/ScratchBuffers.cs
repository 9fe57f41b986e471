using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LogPipe.Hosting.Formats;

/// <summary>
/// Per-thread buffers reused across records, so writing or transcoding an envelope allocates nothing once warm.
/// Rented and returned rather than shared, so a re-entrant call (a converter that writes an envelope) gets its own.
/// </summary>
internal sealed class ScratchBuffers
{
    /// <summary>Buffers that grew past this are dropped on return instead of being kept alive by the thread.</summary>
    private const int MaxRetainedBytes = 4 * 1024 * 1024;

    [ThreadStatic]
    private static ScratchBuffers? t_cached;

    private ScratchBuffers()
    {
        Json = new ArrayBufferWriter<byte>(4096);
        Output = new ArrayBufferWriter<byte>(4096);
        JsonWriter = new Utf8JsonWriter(Json, new JsonWriterOptions
        {
            // Any escaping is fine here: PythonJsonEncoder canonicalises it; the relaxed encoder escapes the least.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            Indented = false,
            SkipValidation = true,
            // Depth is bounded by the serializer options when writing and by EnvelopeLimits when reading.
            MaxDepth = int.MaxValue,
        });
    }

    /// <summary>Intermediate UTF-8 JSON (the serialized payload, or a transcoded message).</summary>
    public ArrayBufferWriter<byte> Json { get; }

    /// <summary>The finished record, when the caller wants a fresh array rather than its own buffer.</summary>
    public ArrayBufferWriter<byte> Output { get; }

    /// <summary>A writer over <see cref="Json"/>; reset on rent.</summary>
    public Utf8JsonWriter JsonWriter { get; }

    /// <summary>Takes this thread's buffers, or new ones if they are in use.</summary>
    public static ScratchBuffers Rent()
    {
        var scratch = t_cached ?? new ScratchBuffers();
        t_cached = null;
        scratch.Json.ResetWrittenCount();
        scratch.Output.ResetWrittenCount();
        scratch.JsonWriter.Reset(scratch.Json);
        return scratch;
    }

    /// <summary>Gives the buffers back to this thread unless they grew too large to keep.</summary>
    public static void Return(ScratchBuffers scratch)
    {
        if (scratch.Json.Capacity <= MaxRetainedBytes && scratch.Output.Capacity <= MaxRetainedBytes)
        {
            t_cached = scratch;
        }
    }

    /// <summary>Child counts of the containers of one JSON value, by the order their start tokens appear.</summary>
    public int[] ContainerCounts { get; set; } = new int[64];

    /// <summary>The open containers while counting, innermost last.</summary>
    public int[] ContainerStack { get; set; } = new int[64];
}
