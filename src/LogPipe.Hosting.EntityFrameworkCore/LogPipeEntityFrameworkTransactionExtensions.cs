using LogPipe.Hosting;
using LogPipe.Hosting.Checkpoints;
using LogPipe.Hosting.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

// Extension methods live where users look for them.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Runs units of work in the application's DbContext when checkpoints are kept elsewhere.</summary>
public static class LogPipeEntityFrameworkTransactionExtensions
{
    /// <summary>
    /// Applies each unit of work in one <typeparamref name="TDbContext"/> transaction and keeps dead letters in its table,
    /// while another store keeps the checkpoints — for example <c>.UseKafkaOffsets().UseEntityFrameworkTransactions&lt;AppDbContext&gt;()</c>.
    /// Not needed with <c>UseEntityFrameworkOffsets</c>, which does both.
    /// </summary>
    /// <typeparam name="TDbContext">The application's DbContext, with <c>ApplyLogPipeConfiguration()</c> in its model.</typeparam>
    /// <param name="builder">The LogPipe builder.</param>
    /// <returns>The builder.</returns>
    public static LogPipeBuilder UseEntityFrameworkTransactions<TDbContext>(this LogPipeBuilder builder)
        where TDbContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<ITransactionFactory>();
        builder.Services.AddSingleton<ITransactionFactory, EntityFrameworkTransactionFactory<TDbContext>>();
        builder.Services.TryAddSingleton<DeadLetterStore<TDbContext>>();
        return builder;
    }
}
