using System.Text;
using System.Text.Json;
using LogPipe.Hosting.Formats;

namespace LogPipe.Hosting.Tests.Formats;

/// <summary>Values are written the way DRF's serializer fields write them, and read back.</summary>
public class DrfValueFormTests
{
    private static readonly JsonSerializerOptions Options = PayloadJson.CreateOptions();

    private static string Json<T>(T value) => Encoding.UTF8.GetString(RecordFormat.Render(WireFormat.Json, value, Options))["json:".Length..];

    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)!;

    [Fact]
    public void Guid_is_lowercase_8_4_4_4_12()
    {
        Assert.Equal("\"7b5c4a1e-0f2d-4c3b-9a8e-1d2c3b4a5f6e\"", Json(Guid.Parse("7B5C4A1E-0F2D-4C3B-9A8E-1D2C3B4A5F6E")));
    }

    [Theory]
    [InlineData("12.50", "\"12.50\"")]
    [InlineData("0", "\"0\"")]
    [InlineData("-1.000", "\"-1.000\"")]
    [InlineData("79228162514264337593543950335", "\"79228162514264337593543950335\"")]
    public void Decimal_is_a_string_that_keeps_its_scale(string value, string expected)
    {
        Assert.Equal(expected, Json(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Decimal_reads_from_a_string_or_a_number()
    {
        Assert.Equal(12.50m, Read<decimal>("\"12.50\""));
        Assert.Equal(2, decimal.GetBits(Read<decimal>("\"12.50\""))[3] >> 16 & 0xff);
        Assert.Equal(12.5m, Read<decimal>("12.5"));
    }

    [Fact]
    public void Utc_datetime_ends_in_z_and_has_no_fraction_without_microseconds()
    {
        Assert.Equal("\"2024-01-02T03:04:05Z\"", Json(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc)));
    }

    [Fact]
    public void Utc_datetime_with_microseconds_prints_all_six_digits()
    {
        var value = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1_234_560);
        Assert.Equal("\"2024-01-02T03:04:05.123456Z\"", Json(value));
        Assert.Equal("\"2024-01-02T03:04:05.120000Z\"", Json(new DateTime(2024, 1, 2, 3, 4, 5, 120, DateTimeKind.Utc)));
    }

    [Fact]
    public void Datetime_ticks_below_a_microsecond_are_dropped()
    {
        Assert.Equal("\"2024-01-02T03:04:05.000001Z\"", Json(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(19)));
    }

    [Fact]
    public void Unspecified_datetime_has_no_suffix_like_a_naive_python_datetime()
    {
        Assert.Equal("\"2024-01-02T03:04:05\"", Json(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Unspecified)));
    }

    [Fact]
    public void Local_datetime_carries_the_local_offset()
    {
        var value = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Local);
        TimeSpan offset = TimeZoneInfo.Local.GetUtcOffset(value);
        string suffix = offset == TimeSpan.Zero ? "Z" : (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString("hh\\:mm", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal("\"2024-01-02T03:04:05" + suffix + "\"", Json(value));
    }

    [Theory]
    [InlineData(2, 0, "\"2024-01-02T03:04:05.120000+02:00\"")]
    [InlineData(-5, -30, "\"2024-01-02T03:04:05.120000-05:30\"")]
    [InlineData(0, 0, "\"2024-01-02T03:04:05.120000Z\"")]
    public void Datetimeoffset_writes_its_offset_and_z_for_utc(int hours, int minutes, string expected)
    {
        var value = new DateTimeOffset(2024, 1, 2, 3, 4, 5, 120, new TimeSpan(hours, minutes, 0));
        Assert.Equal(expected, Json(value));
    }

    [Fact]
    public void Datetimes_read_back_from_what_drf_sends()
    {
        Assert.Equal(
            new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1_234_560),
            Read<DateTime>("\"2024-01-02T03:04:05.123456Z\""));
        Assert.Equal(DateTimeKind.Utc, Read<DateTime>("\"2024-01-02T03:04:05Z\"").Kind);
        Assert.Equal(
            new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)),
            Read<DateTimeOffset>("\"2024-01-02T03:04:05+02:00\""));
    }

    [Fact]
    public void Dateonly_and_timeonly_are_isoformat()
    {
        Assert.Equal("\"2024-01-02\"", Json(new DateOnly(2024, 1, 2)));
        Assert.Equal("\"03:04:05\"", Json(new TimeOnly(3, 4, 5)));
        Assert.Equal("\"03:04:05.123456\"", Json(new TimeOnly(3, 4, 5).Add(TimeSpan.FromTicks(1_234_560))));
        Assert.Equal(new TimeOnly(3, 4, 5).Add(TimeSpan.FromTicks(1_234_560)), Read<TimeOnly>("\"03:04:05.123456\""));
    }

    [Theory]
    [InlineData(0, 2, 3, 4, 0, "\"02:03:04\"")]
    [InlineData(1, 2, 3, 4, 5, "\"1 02:03:04.000005\"")]
    [InlineData(0, 0, 0, -1, 0, "\"-1 23:59:59\"")]
    [InlineData(-1, -2, 0, 0, -5, "\"-2 21:59:59.999995\"")]
    [InlineData(0, 0, 0, 0, 0, "\"00:00:00\"")]
    [InlineData(400, 25, 0, 0, 0, "\"401 01:00:00\"")]
    public void Timespan_is_django_duration_string(int days, int hours, int minutes, int seconds, int microseconds, string expected)
    {
        var value = new TimeSpan(days, hours, minutes, seconds) + TimeSpan.FromTicks(microseconds * 10L);
        Assert.Equal(expected, Json(value));
        Assert.Equal(value, Read<TimeSpan>(expected));
    }

    [Theory]
    [InlineData("1 day, 2:03:04", 1, 2, 3, 4)]
    [InlineData("3600", 0, 1, 0, 0)]
    [InlineData("-00:00:01", 0, 0, 0, -1)]
    [InlineData("10:30", 0, 0, 10, 30)]
    public void Timespan_reads_the_other_forms_django_parses(string text, int days, int hours, int minutes, int seconds)
    {
        Assert.Equal(new TimeSpan(days, hours, minutes, seconds), Read<TimeSpan>("\"" + text + "\""));
    }

    [Fact]
    public void Timespan_refuses_text_that_is_not_a_duration()
    {
        Assert.Throws<JsonException>(() => Read<TimeSpan>("\"soon\""));
    }

    [Fact]
    public void Property_names_are_snake_case_by_default_and_configurable()
    {
        var person = new Person(Guid.Empty, "Joe", "Schmoe");

        Assert.Contains("\"first_name\":\"Joe\"", Json(person), StringComparison.Ordinal);
        string camel = Encoding.UTF8.GetString(RecordFormat.Render(WireFormat.Json, person, PayloadJson.CreateOptions(JsonNamingPolicy.CamelCase)));
        Assert.Contains("\"firstName\":\"Joe\"", camel, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_are_read_only_and_respect_nullable_annotations()
    {
        Assert.True(Options.IsReadOnly);
        Assert.Throws<JsonException>(() => Read<Person>("""{"uuid":"7b5c4a1e-0f2d-4c3b-9a8e-1d2c3b4a5f6e","first_name":null,"last_name":"x"}"""));
    }

    [Fact]
    public void Unknown_members_are_skipped()
    {
        Person person = Read<Person>("""{"uuid":"7b5c4a1e-0f2d-4c3b-9a8e-1d2c3b4a5f6e","first_name":"Joe","last_name":"Schmoe","age":3}""");
        Assert.Equal("Joe", person.FirstName);
    }

    [Fact]
    public void Enums_stay_numbers()
    {
        Assert.Equal("1", Json(DayOfWeek.Monday));
    }
}
