namespace LogPipe.Hosting.EntityFrameworkCore;

/// <summary>How the running service takes replay requests for dead letters, bound from <c>LogPipe:DeadLetters</c>.</summary>
public sealed class DeadLetterReplayOptions
{
    /// <summary>The configuration section, relative to <c>LogPipe</c>.</summary>
    public const string SectionName = "DeadLetters";

    /// <summary>
    /// Turns off <see cref="DeadLetterReplayService{TDbContext}"/>: this process then never replays dead letters that
    /// operators marked with <c>logpipe dead-letters replay</c>. Default <see langword="false"/>.
    /// </summary>
    public bool DisableReplayRequests { get; set; }

    /// <summary>
    /// How often the service looks for replay requests (<c>ReplayPoll</c>; the former <c>ReplayPollMs</c> is still read).
    /// Default five seconds.
    /// </summary>
    public TimeSpan ReplayPoll { get; set; } = TimeSpan.FromSeconds(5);
}
