using System.Globalization;
using System.Text;

namespace LogPipe.Hosting.FaultInjection.Worker;

/// <summary>
/// A file with one line per record this worker handed to a unit of work (the person's uuid), written as each save starts
/// and outside the unit's transaction: records of units that rolled back (fenced, interrupted by a kill) stay in it.
/// Each line is the uuid and the moment (Unix milliseconds): comparing the journals of several workers shows the records
/// more than one of them read — the duplicated work — and which of them read each first.
/// </summary>
public sealed class HandedRecordsJournal : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();

    /// <summary>Creates (or appends to) the journal at <paramref name="path"/>.</summary>
    public HandedRecordsJournal(string path)
    {
        // Every line goes to the kernel as it is written, so a SIGKILL loses none of them.
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true };
    }

    /// <summary>Notes that the record of person <paramref name="uuid"/> was handed to a unit.</summary>
    public void Handed(Guid uuid)
    {
        lock (_lock)
        {
            _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{uuid:N} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}"));
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _writer.Dispose();
        }
    }
}
