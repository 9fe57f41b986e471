using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.EntityFrameworkCore.Outbox;

/// <summary>
/// The relay's lease, taken, renewed and released through a context of its own, created at the first take and kept until
/// the relay ends. A host disposed without being stopped disposes its service provider while the relay is still ending, so
/// the release cannot create a scope then; this context was created and used before, and still works.
/// </summary>
internal sealed class OutboxRelayLease<TDbContext> : IDisposable
    where TDbContext : DbContext
{
    private readonly IServiceScopeFactory _scopes;
    private readonly OutboxLeaseHolder _holder;
    private readonly ILogger _logger;
    private readonly string _owner;

    // Takes come from the relay's loop and from the renewals while a send is in flight; one statement at a time on the context.
    // Never disposed: without its wait handle it holds nothing, and a late Release must not fail during shutdown.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AsyncServiceScope? _scope;
    private TDbContext? _db;

    public OutboxRelayLease(IServiceScopeFactory scopes, string owner, TimeSpan duration, TimeProvider time, ILogger logger)
    {
        _scopes = scopes;
        _owner = owner;
        _logger = logger;
        _holder = new OutboxLeaseHolder(owner, duration, time);
    }

    /// <summary>Whether this instance holds the lease (as of its last try).</summary>
    public bool Held => _holder.Held;

    /// <summary>Takes or renews the lease when due; the outbox source id while held, else <see langword="null"/>.</summary>
    public async Task<string?> TakeAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var held = _holder.Held;
            var source = await _holder.TakeAsync(Context(), cancellationToken).ConfigureAwait(false);
            if (source is not null && !held) OutboxLog.LeaseTaken(_logger, _owner, source);
            if (source is null && held) OutboxLog.LeaseLost(_logger, _owner);
            return source;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Lets another instance take the lease at once (on a stop); a lease not released expires on its own.</summary>
    public async Task ReleaseAsync()
    {
        if (!_holder.Held || _db is null) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _gate.WaitAsync(timeout.Token).ConfigureAwait(false);
        try
        {
            await OutboxLease.ReleaseAsync(_db, _owner, timeout.Token).ConfigureAwait(false);
            _holder.Released();
            OutboxLog.Stopped(_logger, _owner);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _scope?.Dispose();
        _scope = null;
        _db = null;
    }

    private TDbContext Context()
    {
        if (_db is not null)
        {
            _db.ChangeTracker.Clear();
            return _db;
        }

        _scope = _scopes.CreateAsyncScope();
        return _db = _scope.Value.ServiceProvider.GetRequiredService<TDbContext>();
    }
}
