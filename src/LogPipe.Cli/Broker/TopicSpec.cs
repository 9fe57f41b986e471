using System.CommandLine.Parsing;
using System.Globalization;

namespace LogPipe.Cli.Broker;

/// <summary>A topic to create at start, from <c>--topic name[:partitions]</c>.</summary>
internal sealed record TopicSpec(string Name, int? Partitions)
{
    /// <summary>Parses every <c>--topic</c> value; a malformed one is a usage error naming it.</summary>
    public static TopicSpec[] Parse(ArgumentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var specs = new List<TopicSpec>();
        foreach (var token in result.Tokens)
        {
            var parts = token.Value.Split(':');
            int partitions = 0;
            if (parts.Length > 2 || parts[0].Length == 0
                || (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out partitions) || partitions < 1)))
            {
                result.AddError($"'{token.Value}' is not name[:partitions] (partitions a positive number).");
                return [];
            }

            if (parts[0].Length > 249 || parts[0] is "." or ".." || !parts[0].All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                result.AddError($"'{parts[0]}' is not a Kafka topic name: use 1-249 of a-z A-Z 0-9 . _ -.");
                return [];
            }

            specs.Add(new TopicSpec(parts[0], parts.Length == 2 ? partitions : null));
        }

        return [.. specs];
    }
}
