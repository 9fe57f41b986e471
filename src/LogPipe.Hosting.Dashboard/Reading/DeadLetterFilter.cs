using System.Globalization;
using LogPipe.Hosting.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace LogPipe.Hosting.Dashboard.Reading;

/// <summary>
/// The dead-letter pages' filters as the browser sends them (a GET query string, or the same fields in a POST form): topic,
/// error kind, dead-lettered since / until (UTC), and the page number. Empty fields mean no filter.
/// </summary>
internal sealed record DeadLetterFilter(string? Topic, string? Kind, string? Since, string? Until, int Page)
{
    public const int PageSize = 50;

    public static DeadLetterFilter From(IEnumerable<KeyValuePair<string, StringValues>> fields)
    {
        var values = fields.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        string? Field(string name) => values.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        var page = int.TryParse(Field("page"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 1;
        return new DeadLetterFilter(Field("topic"), Field("kind"), Field("since"), Field("until"), page);
    }

    public bool IsEmpty => Topic is null && Kind is null && Since is null && Until is null;

    /// <summary>The dead letters of <paramref name="consumerGroup"/> these filters select: this page, or all of them.</summary>
    /// <exception cref="OperationException">An unknown error kind or an unreadable time (<see cref="OperationFailure.InvalidRequest"/>).</exception>
    public DeadLetterSelection Selection(string consumerGroup, bool paged)
    {
        var selection = paged
            ? DeadLetterSelection.Filter(consumerGroup, Topic, Kind, skip: (Page - 1) * PageSize, take: PageSize)
            : DeadLetterSelection.Filter(consumerGroup, Topic, Kind);
        return Since is null && Until is null ? selection : selection.DeadLetteredBetween(Time(Since, "since"), Time(Until, "until"));
    }

    /// <summary>The filters as a query string (<c>?topic=…</c>, or empty), with the page when it is not the first.</summary>
    public string Query(int? page = null, string? extra = null)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null) parts.Add($"{name}={Uri.EscapeDataString(value)}");
        }

        Add("topic", Topic);
        Add("kind", Kind);
        Add("since", Since);
        Add("until", Until);
        if ((page ?? 1) > 1) Add("page", page!.Value.ToString(CultureInfo.InvariantCulture));
        if (extra is not null) parts.Add(extra);
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private static DateTimeOffset? Time(string? text, string field)
    {
        if (text is null) return null;
        string[] formats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"];
        return DateTimeOffset.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new OperationException(OperationFailure.InvalidRequest, $"'{text}' is not a time for '{field}': use UTC as yyyy-MM-ddTHH:mm, for example 2026-12-06T14:30.");
    }
}
