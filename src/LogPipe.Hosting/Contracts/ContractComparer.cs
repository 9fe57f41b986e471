namespace LogPipe.Hosting.Contracts;

/// <summary>
/// Compares the published contracts (the committed file) with the current ones: a published (type, version) must keep
/// its shape, new types and versions are welcome.
/// </summary>
internal static class ContractComparer
{
    public static List<ContractDifference> Compare(ContractDocument published, ContractDocument current)
    {
        var differences = new List<ContractDifference>();
        var now = current.Messages.ToDictionary(m => (m.MessageType, m.Version));
        var before = published.Messages.ToDictionary(m => (m.MessageType, m.Version));
        foreach (var old in published.Messages)
        {
            if (!now.TryGetValue((old.MessageType, old.Version), out var changed))
            {
                differences.Add(new(ContractChangeKind.VersionRemoved, old.MessageType, old.Version, null, true,
                    "was published and is no longer registered; a service that still sends or expects it fails"));
                continue;
            }

            CompareMessage(old, changed, differences);
        }

        var publishedTypes = published.Messages.Select(m => m.MessageType).ToHashSet(StringComparer.Ordinal);
        foreach (var added in current.Messages.Where(m => !before.ContainsKey((m.MessageType, m.Version))))
        {
            differences.Add(publishedTypes.Contains(added.MessageType)
                ? new(ContractChangeKind.VersionAdded, added.MessageType, added.Version, null, false, "is a new version")
                : new(ContractChangeKind.TypeAdded, added.MessageType, added.Version, null, false, "is a new message type"));
        }

        return differences;
    }

    private static void CompareMessage(MessageContract old, MessageContract current, List<ContractDifference> differences)
    {
        var type = old.MessageType;
        var version = old.Version;
        if (!string.Equals(old.KeyField, current.KeyField, StringComparison.Ordinal))
        {
            differences.Add(new(ContractChangeKind.KeyFieldChanged, type, version, null, true,
                $"key field changed from {Quote(old.KeyField)} to {Quote(current.KeyField)}; records of one key would land on other partitions"));
        }

        var produced = old.ProducedTo.Count > 0 || current.ProducedTo.Count > 0;
        var consumed = old.ConsumedFrom.Count > 0 || current.ConsumedFrom.Count > 0;
        var newFields = current.Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var oldNames = old.Fields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var addedFields = current.Fields.Where(f => !oldNames.Contains(f.Name)).ToList();
        foreach (var field in old.Fields)
        {
            if (!newFields.TryGetValue(field.Name, out var now))
            {
                var renamedTo = addedFields.Find(f => f.Shape == field.Shape);
                if (renamedTo is not null)
                {
                    addedFields.Remove(renamedTo);
                    differences.Add(new(ContractChangeKind.FieldRenamed, type, version, field.Name, true,
                        $"was renamed to '{renamedTo.Name}'; readers of the published version still look for '{field.Name}'"));
                }
                else
                {
                    differences.Add(new(ContractChangeKind.FieldRemoved, type, version, field.Name, true,
                        $"was removed ({field.Type}); readers of the published version still look for it"));
                }

                continue;
            }

            if (now.Shape != field.Shape)
            {
                differences.Add(new(ContractChangeKind.FieldTypeChanged, type, version, field.Name, true,
                    $"changed type from {field.Type} to {now.Type}{(field.Type == now.Type ? " (its schema differs: " + field.Shape + " → " + now.Shape + ")" : "")}"));
            }

            if (field.Nullable && !now.Nullable)
            {
                differences.Add(new(ContractChangeKind.NullabilityTightened, type, version, field.Name, true,
                    "may no longer be null; a sender of the published version may write null"));
            }
            else if (!field.Nullable && now.Nullable)
            {
                differences.Add(new(ContractChangeKind.NullabilityLoosened, type, version, field.Name, produced,
                    produced ? "may now be null, and this service sends it; a reader of the published version rejects null" : "may now be null"));
            }

            if (!field.Required && now.Required)
            {
                differences.Add(new(ContractChangeKind.FieldBecameRequired, type, version, field.Name, true,
                    "became required; a sender of the published version may leave it out"));
            }
            else if (field.Required && !now.Required)
            {
                differences.Add(new(ContractChangeKind.FieldBecameOptional, type, version, field.Name, false, "became optional"));
            }
        }

        foreach (var added in addedFields)
        {
            var breaking = added.Required && consumed;
            differences.Add(new(ContractChangeKind.FieldAdded, type, version, added.Name, breaking,
                breaking
                    ? $"was added as a required field ({added.Type}), and this service receives the message; senders of the published version do not write it"
                    : $"was added ({added.Type}{(added.Required ? ", required" : ", optional")}); readers of the published version skip unknown fields"));
        }
    }

    private static string Quote(string? keyField) => keyField is null ? "none" : $"'{keyField}'";
}
