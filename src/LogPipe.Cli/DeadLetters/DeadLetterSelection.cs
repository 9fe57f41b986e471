using System.CommandLine;
using System.Linq.Expressions;
using LogPipe.Cli.Configuration;
using LogPipe.Hosting;
using LogPipe.Hosting.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace LogPipe.Cli.DeadLetters;

/// <summary>Which dead letters a command acts on: filters within the consumer group (<c>--stream --kind --type --skip --take</c>) or ids.</summary>
internal sealed class DeadLetterSelection
{
    public static readonly Option<string?> Stream = new("--stream", "-s") { Description = "Only from this topic or stream.", HelpName = "name" };

    public static readonly Option<string?> Kind = new("--kind", "-k")
    {
        Description = "Only of this error kind: " + string.Join(", ", Enum.GetNames<MessageErrorKind>()) + ".",
        HelpName = "kind",
    };

    public static readonly Option<string?> Type = new("--type", "-t") { Description = "Only of this message type.", HelpName = "type" };

    public static readonly Option<int> Skip = new("--skip") { Description = "Skip this many (oldest first).", HelpName = "N" };

    public static readonly Option<int?> Take = new("--take") { Description = "At most this many.", HelpName = "N" };

    public static readonly Option<long[]> Ids = new("--id")
    {
        Description = "Only these dead letters, by id (repeatable; any consumer group). Not combined with the filters.",
        HelpName = "id",
        AllowMultipleArgumentsPerToken = true,
    };

    private DeadLetterSelection(DeadLetterQuery query, IReadOnlyList<long>? ids, string? consumerGroup)
    {
        Query = query;
        SelectedIds = ids;
        ConsumerGroup = consumerGroup;
    }

    public DeadLetterQuery Query { get; }

    /// <summary>The ids asked for with <c>--id</c>, if any.</summary>
    public IReadOnlyList<long>? SelectedIds { get; }

    /// <summary>The group the filters apply to (<see langword="null"/> when selecting by id).</summary>
    public string? ConsumerGroup { get; }

    public static void AddTo(Command command, bool withIds)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[] { Stream, Kind, Type, Skip, Take }) command.Options.Add(option);
        if (!withIds) return;
        command.Options.Add(Ids);
        command.Validators.Add(r =>
        {
            if (r.GetResult(Ids) is not null && new Option[] { Stream, Kind, Type, Skip, Take }.Any(o => r.GetResult(o) is not null))
            {
                r.AddError("--id selects dead letters by id; do not combine it with --stream, --kind, --type, --skip or --take.");
            }
        });
    }

    /// <summary>Reads the selection from the command line.</summary>
    /// <param name="context">The command's context.</param>
    /// <param name="defaultTake">How many when <c>--take</c> is not given.</param>
    /// <exception cref="CommandException">An unknown error kind or a negative paging value (2).</exception>
    public static DeadLetterSelection From(ToolContext context, int defaultTake)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parse = context.Parse;
        if (parse.GetValue(Ids) is { Length: > 0 } ids)
        {
            return new DeadLetterSelection(new DeadLetterQuery { Ids = ids, Take = ids.Length }, ids, null);
        }

        var skip = parse.GetValue(Skip);
        var take = parse.GetValue(Take) ?? defaultTake;
        if (skip < 0 || take <= 0) throw CommandException.Usage("--skip must not be negative and --take must be positive.");
        var group = context.ConsumerGroup(DeadLettersCommand.Group);
        return new DeadLetterSelection(
            new DeadLetterQuery
            {
                ConsumerGroup = group,
                Stream = parse.GetValue(Stream),
                ErrorKind = ErrorKind(parse.GetValue(Kind)),
                MessageType = parse.GetValue(Type),
                Skip = skip,
                Take = take,
            },
            null,
            group);
    }

    /// <summary>The selected rows of <paramref name="rows"/>, oldest first.</summary>
    public IQueryable<LogPipeDeadLetter> Apply(IQueryable<LogPipeDeadLetter> rows) => SelectedIds is { } ids
        ? rows.Where(d => ids.Contains(d.Id)).OrderBy(d => d.Id)
        : rows.Matching(Query, ConsumerGroup!);

    /// <summary>The selected rows, projected, oldest first.</summary>
    /// <exception cref="CommandException">An id asked for with <c>--id</c> does not exist (4).</exception>
    public async Task<List<T>> FindAsync<T>(
        AdminDbContext db, Expression<Func<LogPipeDeadLetter, T>> projection, Func<T, long> idOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var found = await Apply(db.Set<LogPipeDeadLetter>().AsNoTracking()).Select(projection).ToListAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfMissing(found.Select(idOf));
        return found;
    }

    /// <summary>The ids asked for that <paramref name="found"/> lacks, as an error (4), if any.</summary>
    private void ThrowIfMissing(IEnumerable<long> found)
    {
        if (SelectedIds is null) return;
        var missing = SelectedIds.Except(found).ToList();
        if (missing.Count > 0) throw CommandException.NotFound($"No dead letter with id {string.Join(", ", missing)}.");
    }

    /// <summary>" of consumer group 'g'" when selecting by filters, empty when by id: for messages.</summary>
    public string Scope() => SelectedIds is not null ? "" : $" of consumer group '{ConsumerGroup}'";

    private static string? ErrorKind(string? text)
    {
        if (text is null) return null;
        return Enum.TryParse<MessageErrorKind>(text, ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !char.IsAsciiDigit(text[0])
            ? kind.ToString()
            : throw CommandException.Usage($"Unknown error kind '{text}' (--kind): use one of {string.Join(", ", Enum.GetNames<MessageErrorKind>())}.");
    }
}
