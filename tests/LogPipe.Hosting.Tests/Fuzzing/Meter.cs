namespace LogPipe.Hosting.Tests.Fuzzing;

/// <summary>
/// A message class that checks its values in its constructor, as many domain types do: a negative reading throws
/// <see cref="ArgumentOutOfRangeException"/>, and a reading of 13 throws <see cref="ArithmeticException"/> (no type a
/// JSON deserializer would ever throw itself).
/// </summary>
public sealed record Meter
{
    public Meter(string name, int reading)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(reading);
        if (reading == 13) throw new ArithmeticException("unlucky reading");
        Name = name;
        Reading = reading;
    }

    public string Name { get; }

    public int Reading { get; }
}
