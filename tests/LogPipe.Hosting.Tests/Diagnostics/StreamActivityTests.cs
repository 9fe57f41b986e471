using LogPipe.Hosting.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace LogPipe.Hosting.Tests.Diagnostics;

public sealed class StreamActivityTests
{
    [Fact]
    public void Records_per_second_count_only_the_last_minute_and_the_total_counts_everything()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var activity = new StreamActivity(time);

        activity.Handled("people", 600);
        time.Advance(TimeSpan.FromSeconds(61));
        activity.Handled("people", 120);

        var now = activity.Of("people");
        Assert.Equal(720, now.Handled);
        Assert.Equal(2.0, now.RecordsPerSecond); // 120 over the last 60 s; the 600 are older
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0.0, activity.Of("people").RecordsPerSecond);
        Assert.Equal(720, activity.Of("people").Handled);
    }

    [Fact]
    public void A_service_younger_than_a_minute_divides_by_the_time_it_has_run()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var activity = new StreamActivity(time);
        time.Advance(TimeSpan.FromSeconds(10));

        activity.Handled("people", 50);

        Assert.Equal(5.0, activity.Of("people").RecordsPerSecond);
    }

    [Fact]
    public void The_last_error_of_each_stream_is_kept_with_its_position_and_errors_are_counted()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var activity = new StreamActivity(time);

        activity.Failed(new RecordPosition("people", "0", 4), "UnknownVersion", "version 9 of person is not registered");
        time.Advance(TimeSpan.FromSeconds(5));
        activity.Failed(new RecordPosition("people", "1", 7), "SaveFailed", "the database is down");

        var people = activity.Of("people");
        Assert.Equal(2, people.Errors);
        Assert.Equal(new StreamError(time.GetUtcNow(), "SaveFailed", "the database is down", new RecordPosition("people", "1", 7)), people.LastError);
        Assert.Null(activity.Of("places").LastError);
    }
}
