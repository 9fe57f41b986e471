using static LogPipe.Hosting.Tests.Contracts.ContractServices;
using static LogPipe.Hosting.Tests.Contracts.ContractShapes;

namespace LogPipe.Hosting.Tests.Contracts;

/// <summary>
/// The check of current serializers against a published contracts file: every breaking change named by type, version
/// and field; every compatible change accepted.
/// </summary>
public sealed class ContractCheckTests
{
    private static ContractCheckResult Check(Action<LogPipeBuilder> published, Action<LogPipeBuilder> current) =>
        LogPipeContracts.Compare(Document(published).ToJson(), "logpipe.contracts.json", Document(current));

    private static ContractDifference SingleBreak(ContractCheckResult result, ContractChangeKind kind, string? field)
    {
        Assert.False(result.IsCompatible, result.ToString());
        var difference = Assert.Single(result.BreakingChanges);
        Assert.Equal(kind, difference.Kind);
        Assert.Equal("person", difference.MessageType);
        Assert.Equal(1, difference.Version);
        Assert.Equal(field, difference.Field);
        var report = result.ToString();
        Assert.Contains(field is null ? "person v1:" : $"person v1 field '{field}'", report, StringComparison.Ordinal);
        return difference;
    }

    [Fact]
    public void The_same_serializers_match_their_published_contracts()
    {
        var result = Check(Consumes<Person<Published>>(), Consumes<Person<Published>>());

        Assert.True(result.IsUpToDate, result.ToString());
        Assert.True(result.IsCompatible);
    }

    [Fact]
    public void A_removed_field_is_a_breaking_change_naming_type_version_and_field() =>
        SingleBreak(Check(Consumes<Person<Published>>(), Consumes<Person<LastNameRemoved>>()), ContractChangeKind.FieldRemoved, "last_name");

    [Fact]
    public void A_renamed_field_is_a_breaking_change_naming_the_new_name()
    {
        var difference = SingleBreak(Check(Consumes<Person<Published>>(), Consumes<Person<LastNameRenamed>>()), ContractChangeKind.FieldRenamed, "last_name");

        Assert.Contains("'surname'", difference.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_whose_type_changed_is_a_breaking_change()
    {
        var difference = SingleBreak(Check(Consumes<Person<Published>>(), Consumes<Person<LastNameAnInteger>>()), ContractChangeKind.FieldTypeChanged, "last_name");

        Assert.Contains("from string to integer", difference.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nullable_field_made_non_nullable_is_a_breaking_change() =>
        SingleBreak(Check(Consumes<Person<Published>>(), Consumes<Person<EmailNotNullable>>()), ContractChangeKind.NullabilityTightened, "email");

    [Fact]
    public void An_optional_field_made_required_is_a_breaking_change() =>
        SingleBreak(Check(Consumes<Person<Published>>(), Consumes<Person<NicknameRequired>>()), ContractChangeKind.FieldBecameRequired, "nickname");

    [Fact]
    public void A_changed_key_field_is_a_breaking_change() =>
        SingleBreak(Check(Consumes<Person<Published>>(), Consumes<PersonKeyedByFirstName>()), ContractChangeKind.KeyFieldChanged, null);

    [Fact]
    public void A_published_version_no_longer_registered_is_a_breaking_change() =>
        SingleBreak(Check(Consumes<Person<Published>>(), Consumes<PlaceV1>()), ContractChangeKind.VersionRemoved, null);

    [Fact]
    public void Every_break_of_a_reused_version_is_listed_in_one_result()
    {
        var result = Check(
            lp => lp.AddConsumer("people", c => c.Register<Person<Published>>().Register<PlaceV1>()),
            lp => lp.AddConsumer("people", c => c.Register<Person<LastNameAnInteger>>()));

        Assert.Equal(
            [(ContractChangeKind.VersionRemoved, "place", null), (ContractChangeKind.FieldTypeChanged, "person", "last_name")],
            result.BreakingChanges.Select(d => (d.Kind, d.MessageType, d.Field)).Order());
        var error = new ContractViolationException(result);
        Assert.Contains("2 breaking change(s)", error.Message, StringComparison.Ordinal);
        Assert.Contains("place v1: was published and is no longer registered", error.Message, StringComparison.Ordinal);
        Assert.Contains("person v1 field 'last_name': changed type from string to integer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_version_of_a_published_type_is_accepted()
    {
        var result = Check(Consumes<Person<Published>>(), lp => lp.AddConsumer("people", c => c.Register<Person<Published>>().Register<PersonV2>()));

        Assert.True(result.IsCompatible, result.ToString());
        var added = Assert.Single(result.Differences);
        Assert.Equal((ContractChangeKind.VersionAdded, "person", 2), (added.Kind, added.MessageType, added.Version));
    }

    [Fact]
    public void A_new_message_type_is_accepted()
    {
        var result = Check(Consumes<Person<Published>>(), lp => lp.AddConsumer("people", c => c.Register<Person<Published>>().Register<PlaceV1>()));

        Assert.True(result.IsCompatible, result.ToString());
        Assert.Equal(ContractChangeKind.TypeAdded, Assert.Single(result.Differences).Kind);
    }

    [Fact]
    public void An_optional_field_added_to_a_published_version_is_accepted_whether_sent_or_received()
    {
        var received = Check(Consumes<Person<Published>>(), Consumes<Person<NicknameOptionalAgeAdded>>());
        var sent = Check(Produces<Published, Person<Published>>(), Produces<NicknameOptionalAgeAdded, Person<NicknameOptionalAgeAdded>>());

        Assert.All([received, sent], result =>
        {
            Assert.True(result.IsCompatible, result.ToString());
            var added = Assert.Single(result.Differences);
            Assert.Equal((ContractChangeKind.FieldAdded, "age"), (added.Kind, added.Field));
        });
    }

    [Fact]
    public void A_required_field_added_to_a_received_version_is_breaking_but_to_a_version_only_sent_is_accepted()
    {
        var received = Check(Consumes<Person<Published>>(), Consumes<Person<AgeRequiredAdded>>());
        var sent = Check(Produces<Published, Person<Published>>(), Produces<AgeRequiredAdded, Person<AgeRequiredAdded>>());

        SingleBreak(received, ContractChangeKind.FieldAdded, "age");
        Assert.True(sent.IsCompatible, sent.ToString());
        Assert.Equal(ContractChangeKind.FieldAdded, Assert.Single(sent.Differences).Kind);
    }

    [Fact]
    public void A_field_made_nullable_is_accepted_when_received_and_breaking_when_sent()
    {
        var received = Check(Consumes<Person<Published>>(), Consumes<Person<LastNameNullable>>());
        var sent = Check(Produces<Published, Person<Published>>(), Produces<LastNameNullable, Person<LastNameNullable>>());

        Assert.True(received.IsCompatible, received.ToString());
        Assert.Equal(ContractChangeKind.NullabilityLoosened, Assert.Single(received.Differences).Kind);
        SingleBreak(sent, ContractChangeKind.NullabilityLoosened, "last_name");
    }

    [Fact]
    public void A_required_field_made_optional_is_accepted()
    {
        var result = Check(Consumes<Person<Published>>(), Consumes<Person<EmailRequiredMadeOptional>>());

        Assert.True(result.IsCompatible, result.ToString());
        var difference = Assert.Single(result.Differences);
        Assert.Equal((ContractChangeKind.FieldBecameOptional, "email"), (difference.Kind, difference.Field));
    }

    [Fact]
    public void Verify_throws_listing_the_breaks_and_passes_compatible_changes()
    {
        var directory = Directory.CreateTempSubdirectory("logpipe-contracts-");
        try
        {
            var path = Path.Combine(directory.FullName, LogPipeContracts.DefaultFileName);
            File.WriteAllText(path, Document(Consumes<Person<Published>>()).ToJson());

            using var broken = Provider(Consumes<Person<LastNameRemoved>>());
            using var compatible = Provider(lp => lp.AddConsumer("people", c => c.Register<Person<Published>>().Register<PersonV2>()));
            var error = Assert.Throws<ContractViolationException>(() => LogPipeContracts.Verify(broken, path));
            Assert.Contains("person v1 field 'last_name': was removed", error.Message, StringComparison.Ordinal);
            Assert.Equal(ContractChangeKind.FieldRemoved, Assert.Single(error.Result!.BreakingChanges).Kind);
            Assert.True(LogPipeContracts.Verify(compatible, path).IsCompatible);

            var missing = Assert.Throws<FileNotFoundException>(() => LogPipeContracts.Verify(compatible, Path.Combine(directory.FullName, "absent.json")));
            Assert.Contains("logpipe contracts export", missing.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_file_that_is_not_a_contracts_file_is_refused_naming_it() =>
        Assert.Contains("notes.json is not a LogPipe contracts file", Assert.Throws<FormatException>(
            () => LogPipeContracts.Compare("""{"hello":1}""", "notes.json", Document(Consumes<Person<Published>>()))).Message, StringComparison.Ordinal);
}
