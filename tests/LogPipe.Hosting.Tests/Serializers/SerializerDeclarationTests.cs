using System.Text;
using System.Text.Json;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipe.Hosting.Tests.Serializers;

/// <summary>MessageType, Version and KeyField read as the class declares them, however they are written, or are refused with the fix.</summary>
public sealed class SerializerDeclarationTests
{
    [Fact]
    public void Auto_property_initializers_are_read_as_written()
    {
        var descriptor = SerializerDescriptor.For(typeof(InitializedPlaces));
        Assert.Equal(("place", 2, "uuid"), (descriptor.MessageType, descriptor.Version, descriptor.KeyField));
    }

    [Fact]
    public void Expression_bodies_are_read_as_written()
    {
        var descriptor = SerializerDescriptor.For(typeof(ExpressionBodiedPlaces));
        Assert.Equal(("place", 3, "uuid"), (descriptor.MessageType, descriptor.Version, descriptor.KeyField));
    }

    [Fact]
    public void Constants_are_read_as_written_also_when_the_constructor_takes_services()
    {
        var descriptor = SerializerDescriptor.For(typeof(ConstantPlaces));
        Assert.Equal(("place", 4, "uuid"), (descriptor.MessageType, descriptor.Version, descriptor.KeyField));
    }

    [Fact]
    public void Values_set_by_a_parameterless_constructor_are_read_as_written()
    {
        var descriptor = SerializerDescriptor.For(typeof(ConstructorSetPlaces));
        Assert.Equal(("place", 5, "uuid"), (descriptor.MessageType, descriptor.Version, descriptor.KeyField));
    }

    [Theory]
    [InlineData(typeof(InitializedPlacesWithServices), "Version", "is an auto-property")]
    [InlineData(typeof(KeyFromConstructorArgument), "KeyField", "reads a field or constructor parameter")]
    [InlineData(typeof(VersionFromConstructorArgument), "Version", "reads a field or constructor parameter")]
    public void A_declaration_only_the_constructor_sets_is_refused_naming_the_class_the_member_and_the_fix(Type serializer, string member, string why)
    {
        var error = Assert.Throws<ArgumentException>(() => SerializerDescriptor.For(serializer));
        Assert.Contains($"{serializer.FullName}.{member} {why}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"public override {(member == "Version" ? "int Version => 2;" : "string? KeyField => \"uuid\";")}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(VersionZero), "Version is 0")]
    [InlineData(typeof(VersionNegative), "Version is -1")]
    public void A_version_below_one_is_refused_naming_the_class(Type serializer, string says)
    {
        var error = Assert.Throws<ArgumentException>(() => SerializerDescriptor.For(serializer));
        Assert.Contains($"{serializer.FullName}.{says}; a message version must be 1 or more", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registering_a_consumer_with_a_version_below_one_fails_before_the_host_is_built()
    {
        var error = Assert.Throws<ArgumentException>(() => TestApp.Create(lp => lp.AddConsumer("places", c => c.Register<VersionZero>())));
        Assert.Contains(typeof(VersionZero).FullName + ".Version is 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_producer_declared_with_initializers_sends_its_version_and_keys_records_by_its_key_field()
    {
        await using var app = TestApp.Create(lp => lp.AddProducer<Place, InitializedPlaces>("places"), entityFrameworkOffsets: false);
        await using var scope = app.Services.CreateAsyncScope();
        var place = new Place(Guid.Parse("de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41"), "Bonn");
        var position = await scope.ServiceProvider.GetRequiredService<IProducer<Place>>().SendAsync(place);
        Assert.True(app.Broker.TryGet("places", int.Parse(position.Partition, System.Globalization.CultureInfo.InvariantCulture), position.Offset, out var stored));
        using var envelope = JsonDocument.Parse(Encoding.UTF8.GetString(stored.Value)["json:".Length..]);
        Assert.Equal(2, envelope.RootElement.GetProperty("version").GetInt32());
        Assert.Equal("de66ef2e-9a5c-4b21-8a5b-3d5c1c6e0e41", Encoding.UTF8.GetString(stored.Key!));
    }

    public abstract class PlaceSerializer : MessageSerializer<Place>
    {
        public override Task SaveAsync(Place message, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public sealed class InitializedPlaces : PlaceSerializer
    {
        public override string MessageType { get; } = "place";

        public override int Version { get; } = 2;

        public override string? KeyField { get; } = "uuid";
    }

    public sealed class ExpressionBodiedPlaces : PlaceSerializer
    {
        public override string MessageType => "place";

        public override int Version => 3;

        public override string? KeyField => "uuid";
    }

    public sealed class ConstantPlaces(Probe probe) : PlaceSerializer
    {
        private const string Type = "place";
        private const int CurrentVersion = 4;

        public Probe Probe { get; } = probe;

        public override string MessageType => Type;

        public override int Version => CurrentVersion;

        public override string? KeyField => nameof(Place.Uuid).ToLowerInvariant();
    }

    public sealed class ConstructorSetPlaces : PlaceSerializer
    {
        private readonly int _version;
        private readonly string _keyField;

        public ConstructorSetPlaces()
        {
            _version = 5;
            _keyField = "uuid";
        }

        public override string MessageType => "place";

        public override int Version => _version;

        public override string? KeyField => _keyField;
    }

    public sealed class InitializedPlacesWithServices(Probe probe) : PlaceSerializer
    {
        public Probe Probe { get; } = probe;

        public override string MessageType => "place";

        public override int Version { get; } = 2;
    }

    public sealed class KeyFromConstructorArgument(IOptions<KeyChoice> choice) : PlaceSerializer
    {
        public override string MessageType => "place";

        public override int Version => 1;

        public override string? KeyField => choice.Value.Field;
    }

    public sealed class VersionFromConstructorArgument(IOptions<KeyChoice> choice) : PlaceSerializer
    {
        private readonly int _version = choice.Value.Version;

        public override string MessageType => "place";

        public override int Version => _version;
    }

    public sealed class KeyChoice
    {
        public string Field { get; set; } = "uuid";

        public int Version { get; set; } = 2;
    }

    public sealed class VersionZero : PlaceSerializer
    {
        public override string MessageType => "place";

        public override int Version => 0;
    }

    public sealed class VersionNegative : PlaceSerializer
    {
        public override string MessageType => "place";

        public override int Version { get; } = -1;
    }
}
