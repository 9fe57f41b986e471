using LogPipe.Hosting.Producers;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>A relay batch the transport did not store for a reason a retry may fix; the relay backs off and tries again.</summary>
internal sealed class OutboxSendFailure(int failed, int count, RecordSendException inner)
    : Exception($"{failed} of {count} outbox entries were not sent: {inner.Message}", inner)
{
    public int Failed { get; } = failed;

    public int Count { get; } = count;

    public string ErrorCode { get; } = inner.ErrorCode;
}
