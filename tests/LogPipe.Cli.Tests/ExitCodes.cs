namespace LogPipe.Cli.Tests;

/// <summary>The documented exit codes, spelled out again so a change to the tool's constants cannot pass unnoticed.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;
    public const int NotFound = 4;
    public const int Refused = 5;
    public const int Conflict = 6;
}
