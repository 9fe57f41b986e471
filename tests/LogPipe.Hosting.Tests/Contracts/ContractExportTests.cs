using System.Text;
using System.Text.Json.Nodes;
using LogPipe.Hosting.Contracts;
using LogPipe.Hosting.Formats;
using LogPipe.Hosting.TestSupport;
using static LogPipe.Hosting.Tests.Contracts.ContractServices;
using static LogPipe.Hosting.Tests.Contracts.ContractShapes;

namespace LogPipe.Hosting.Tests.Contracts;

/// <summary>What the contracts file holds for each registered serializer, and that it is the same on every export.</summary>
public sealed class ContractExportTests
{
    private static readonly Action<LogPipeBuilder> PersonAndPlace = lp => lp
        .AddProducer<Published, Person<Published>>("people")
        .AddConsumer("people", c => c.Register<Person<Published>>().Register<PlaceV1>());

    [Fact]
    public void Exporting_twice_gives_the_same_bytes_whatever_order_the_serializers_were_registered_in()
    {
        var first = Document(PersonAndPlace).ToJson();
        var again = Document(PersonAndPlace).ToJson();
        var reordered = Document(lp => lp
            .AddConsumer("people", c => c.Register<PlaceV1>().Register<Person<Published>>())
            .AddProducer<Published, Person<Published>>("people")).ToJson();

        Assert.Equal(first, again);
        Assert.Equal(first, reordered);
        Assert.EndsWith("}\n", first, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_message_lists_its_key_field_streams_and_fields_with_wire_names_types_nullability_and_presence()
    {
        var file = JsonNode.Parse(Document(PersonAndPlace).ToJson())!;
        var person = file["messages"]!.AsArray().Single(m => (string?)m!["type"] == "person")!;

        Assert.Equal(1, (int)person["version"]!);
        Assert.Equal("uuid", (string?)person["keyField"]);
        Assert.Equal("""["people"]""", person["producedTo"]!.ToJsonString());
        Assert.Equal("""["people"]""", person["consumedFrom"]!.ToJsonString());
        Assert.Equal(
            [
                ("uuid", "string (uuid)", false, true),
                ("first_name", "string", false, true),
                ("last_name", "string", false, true),
                ("email", "string", true, true),
                ("nickname", "string", true, false),
            ],
            person["fields"]!.AsArray().Select(f => ((string)f!["name"]!, (string)f["type"]!, (bool)f["nullable"]!, (bool)f["required"]!)));
        Assert.Equal(MessageSchema.Dialect, (string?)person["schema"]!["$schema"]);
        Assert.Equal("object", (string?)person["schema"]!["type"]);
    }

    [Fact]
    public void Field_names_follow_the_configured_field_naming()
    {
        using var provider = Provider(Consumes<Person<Published>>());
        using var camel = Provider(Consumes<Person<Published>>(), o => o.FieldNaming = FieldNaming.CamelCase);

        Assert.Equal(["uuid", "first_name", "last_name", "email", "nickname"], LogPipeContracts.Current(provider).Messages.Single().Fields.Select(f => f.Name));
        Assert.Equal(["uuid", "firstName", "lastName", "email", "nickname"], LogPipeContracts.Current(camel).Messages.Single().Fields.Select(f => f.Name));
    }

    [Fact]
    public void The_sample_records_of_both_formats_carry_the_same_message_as_this_service_writes_it()
    {
        var reader = new EnvelopeReader(EnvelopeLimits.Default);
        foreach (var message in Document(PersonAndPlace).Messages)
        {
            var json = reader.Read(Encoding.UTF8.GetBytes(message.JsonSample));
            var msgpack = reader.Read(Convert.FromBase64String(message.MessagePackSample));

            Assert.Equal(("json", message.MessageType, message.Version), (json.Format, json.Type, json.Version));
            Assert.Equal(("msgpack", message.MessageType, message.Version), (msgpack.Format, msgpack.Type, msgpack.Version));
            Assert.Equal(Encoding.UTF8.GetString(json.MessageJson.Span), Encoding.UTF8.GetString(msgpack.MessageJson.Span));
        }

        var place = Document(PersonAndPlace).Messages.Single(m => m.MessageType == "place");
        Assert.Contains("\"area\":\"12.50\",\"founded_at\":\"2024-01-02T03:04:05Z\"", place.JsonSample, StringComparison.Ordinal);
    }

    [Fact]
    public void One_type_and_version_with_two_shapes_in_one_service_is_refused_naming_both_serializers()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Document(lp => lp
            .AddConsumer("people", c => c.Register<Person<Published>>())
            .AddConsumer("others", c => c.Register<Person<LastNameRemoved>>())));

        Assert.Contains("'person' version 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Published", error.Message, StringComparison.Ordinal);
        Assert.Contains("LastNameRemoved", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_python_jsonschema_validator_accepts_the_sample_messages_and_rejects_wrong_ones()
    {
        var reader = new EnvelopeReader(EnvelopeLimits.Default);
        var cases = new JsonArray();
        foreach (var message in Document(PersonAndPlace).Messages)
        {
            var fromJson = JsonNode.Parse(reader.Read(Encoding.UTF8.GetBytes(message.JsonSample)).MessageJson.Span);
            var fromMsgpack = JsonNode.Parse(reader.Read(Convert.FromBase64String(message.MessagePackSample)).MessageJson.Span);
            cases.Add(new JsonObject
            {
                ["name"] = $"{message.MessageType} v{message.Version}",
                ["schema"] = message.Schema.DeepClone(),
                ["valid"] = new JsonArray(fromJson, fromMsgpack, Changed(fromJson!, message.MessageType == "person" ? ("email", null) : ("area", 12.5))),
                ["invalid"] = message.MessageType == "person"
                    ? new JsonArray(Changed(fromJson!, ("first_name", 5)), Without(fromJson!, "uuid"), Changed(fromJson!, ("last_name", null)))
                    : new JsonArray(Changed(fromJson!, ("area", "a lot")), Changed(fromJson!, ("founded_at", "yesterday")), Changed(fromJson!, ("tags", new JsonArray(1)))),
            });
        }

        var directory = Directory.CreateTempSubdirectory("logpipe-contracts-");
        try
        {
            var path = Path.Combine(directory.FullName, "cases.json");
            await File.WriteAllTextAsync(path, cases.ToJsonString());
            var result = await ChildProcess.RunAsync("python3", ["-c", PythonValidation, path], ChildProcess.Patience);

            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Contains("person v1: 3 valid accepted, 3 invalid rejected", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("place v1: 3 valid accepted, 3 invalid rejected", result.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    // What the Django side would run: the schema checked as draft 2020-12, each payload validated with it.
    private const string PythonValidation = """
        import json, sys
        from jsonschema import Draft202012Validator
        failed = False
        for case in json.load(open(sys.argv[1])):
            Draft202012Validator.check_schema(case["schema"])
            validator = Draft202012Validator(case["schema"])
            for body in case["valid"]:
                errors = [e.message for e in validator.iter_errors(body)]
                if errors:
                    failed = True
                    print(case["name"], "rejected a valid message", json.dumps(body), errors)
            for body in case["invalid"]:
                if validator.is_valid(body):
                    failed = True
                    print(case["name"], "accepted an invalid message", json.dumps(body))
            print(f'{case["name"]}: {len(case["valid"])} valid accepted, {len(case["invalid"])} invalid rejected')
        sys.exit(1 if failed else 0)
        """;

    private static JsonNode Changed(JsonNode message, (string Field, JsonNode? Value) change)
    {
        var copy = message.DeepClone();
        copy[change.Field] = change.Value;
        return copy;
    }

    private static JsonNode Without(JsonNode message, string field)
    {
        var copy = message.DeepClone().AsObject();
        copy.Remove(field);
        return copy;
    }
}
