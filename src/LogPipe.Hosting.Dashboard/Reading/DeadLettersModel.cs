using LogPipe.Hosting.Operations;

namespace LogPipe.Hosting.Dashboard.Reading;

/// <summary>The dead-letters page: the filters, the page of dead letters they select, and what just happened.</summary>
/// <param name="Filter">The filters as sent.</param>
/// <param name="Page">The dead letters of this page and how many match in all; <see langword="null"/> when they could not be read.</param>
/// <param name="Problem">Why they could not be read (a refusal of the operations library, or the missing registration).</param>
/// <param name="Notice">What the last action did (replayed or purged so many).</param>
internal sealed record DeadLettersModel(DeadLetterFilter Filter, DeadLetterPage? Page, string? Problem, string? Notice)
{
    public int Pages => Page is null ? 0 : Math.Max(1, (Page.Total + DeadLetterFilter.PageSize - 1) / DeadLetterFilter.PageSize);
}
