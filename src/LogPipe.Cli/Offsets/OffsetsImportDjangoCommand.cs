using System.CommandLine;
using System.Globalization;
using LogPipe.Cli.Output;
using LogPipe.Hosting;
using LogPipe.Hosting.EntityFrameworkCore;
using LogPipe.Hosting.Operations;

namespace LogPipe.Cli.Offsets;

/// <summary>
/// <c>logpipe offsets import-django</c>: sets the consumer group's checkpoints to exactly where a django-logpipe consumer
/// (its <c>ModelOffsetStore</c>) would resume, read from the Django service's <c>logpipe_kafkaoffset</c> and
/// <c>logpipe_kinesisoffset</c> tables (<see cref="DjangoOffsetTables"/>). A dry run by default; <c>--apply</c> writes
/// through the library's <see cref="CheckpointEditor{TDbContext}"/> and, like <c>offsets set</c>, refuses while the Kafka
/// consumer group has members.
/// </summary>
internal static class OffsetsImportDjangoCommand
{
    private static readonly Option<string> From = new("--from")
    {
        Description = "Connection string of the Django service's database (the one holding django-logpipe's logpipe_kafkaoffset table).",
        HelpName = "connection-string",
        Required = true,
    };

    private static readonly Option<string?> FromProvider = new("--from-provider")
    {
        Description = "The Django database's kind: sqlite, postgres or sqlserver (default: the provider of LogPipe's own database).",
        HelpName = "provider",
    };

    private static readonly Option<string[]> Streams = new("--stream", "-s")
    {
        Description = "Import only this topic or stream (repeat for several; default: every row).",
        HelpName = "name",
    };

    private static readonly Option<bool> Apply = new("--apply") { Description = "Write the checkpoints (without it, only the plan is printed)." };

    private static readonly Option<bool> Force = new("--force") { Description = "Write even while the consumer group has members, or when that cannot be checked." };

    public static Command Create()
    {
        var command = new Command("import-django", "Set the checkpoints to where django-logpipe's ModelOffsetStore would resume (dry run unless --apply).")
        {
            From, FromProvider, Streams, Apply, Force,
        };
        command.SetAction(CommandAction.Of(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var parse = context.Parse;
        var group = context.ConsumerGroup(OffsetsCommand.Group);
        var django = DjangoDatabase(context);
        var streams = parse.GetValue(Streams) is { Length: > 0 } only ? only.ToHashSet(StringComparer.Ordinal) : null;
        var rows = (await DjangoOffsetTables.ReadAsync(django, cancellationToken).ConfigureAwait(false))
            .Where(r => streams is null || streams.Contains(r.Partition.Stream))
            .ToList();
        if (rows.Count == 0)
        {
            await context.Out.WriteLineAsync($"No django-logpipe offsets to import from {django.Description}.").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var checkpoints = context.Database.Checkpoints(group);
        var current = (await context.Database.RunAsync(_ => checkpoints.ListAsync(cancellationToken), cancellationToken).ConfigureAwait(false))
            .ToDictionary(c => new PartitionKey(c.Transport, c.Stream, c.Partition));

        await context.Out.WriteLineAsync($"django-logpipe offsets in {django.Description} -> consumer group '{group}' ({context.Database.Description})").ConfigureAwait(false);
        Plan(rows, current).Write(context.Out);
        var importable = rows.Where(r => r.Checkpoint is not null).ToList();
        if (!parse.GetValue(Apply))
        {
            await context.Out.WriteLineAsync($"Dry run: nothing written. Run again with --apply to store these {importable.Count} checkpoint(s).").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        if (importable.Exists(r => CheckpointTransport.IsKafka(r.Partition.Transport))) await CheckKafkaAsync(context, group, importable).ConfigureAwait(false);
        foreach (var row in importable)
        {
            var checkpoint = row.Checkpoint!.Value;
            if (checkpoint.SequenceNumber is not null && current.TryGetValue(row.Partition, out var before)) checkpoint = checkpoint with { NextOffset = before.NextOffset };
            await context.Database.RunAsync(_ => checkpoints.SetAsync(row.Partition, checkpoint, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        await context.Out.WriteLineAsync($"Stored {importable.Count} checkpoint(s) for consumer group '{group}'. A running consumer is fenced at its next commit and resumes from there.")
            .ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>The Django service's database, resolved like LogPipe's own; errors name <c>--from</c> and <c>--from-provider</c>.</summary>
    private static OperationsDatabase DjangoDatabase(ToolContext context)
    {
        var provider = context.Parse.GetValue(FromProvider) ?? context.Database.Provider.ToString();
        try
        {
            return OperationsDatabase.Resolve(context.Configuration.Root, provider, context.Parse.GetRequiredValue(From), schemaOption: null);
        }
        catch (OperationException ex)
        {
            throw CommandException.From(ex, ex.Message.Replace("(--provider)", "(--from-provider)", StringComparison.Ordinal)
                .Replace("(--connection-string)", "(--from)", StringComparison.Ordinal));
        }
    }

    private static TextTable Plan(List<DjangoOffset> rows, Dictionary<PartitionKey, LogPipeCheckpoint> current)
    {
        var table = new TextTable("TRANSPORT", "STREAM", "PARTITION>", "DJANGO OFFSET>", "NEW CHECKPOINT", "CURRENT CHECKPOINT");
        foreach (var row in rows)
        {
            var now = current.TryGetValue(row.Partition, out var c) ? Describe(new Checkpoint(c.NextOffset, c.SequenceNumber)) : null;
            table.Add(row.Partition.Transport, row.Partition.Stream, row.Partition.Partition, row.StoredByDjango,
                row.Checkpoint is { } next ? Describe(next) : "(no position: not imported)", now);
        }

        return table;
    }

    private static string Describe(Checkpoint checkpoint) => checkpoint.SequenceNumber is { } sequence
        ? $"after {sequence}"
        : $"next offset {checkpoint.NextOffset.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Every Kafka topic and partition exists, and the group has no members (unless --force), before anything is written.</summary>
    private static async Task CheckKafkaAsync(ToolContext context, string group, List<DjangoOffset> rows)
    {
        var kafka = context.Kafka;
        using var admin = kafka.CreateAdminClient();
        foreach (var topic in rows.Where(r => CheckpointTransport.IsKafka(r.Partition.Transport)).GroupBy(r => r.Partition.Stream))
        {
            var partitions = kafka.Partitions(admin, topic.Key);
            var missing = topic.Select(r => int.Parse(r.Partition.Partition, CultureInfo.InvariantCulture)).Where(p => !partitions.Contains(p)).ToList();
            if (missing.Count > 0)
            {
                throw CommandException.NotFound($"Topic '{topic.Key}' has no partition {string.Join(", ", missing)} (it has {partitions.Count}); nothing was written.");
            }
        }

        if (context.Parse.GetValue(Force)) return;

        await ConsumerGroupActivity.RefuseWhileActiveAsync(context.Configuration.Root, context.ConfiguredConsumerGroup, kafka, admin, group).ConfigureAwait(false);
    }
}
