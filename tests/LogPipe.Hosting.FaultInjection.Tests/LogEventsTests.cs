using System.Reflection;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.Logging;

namespace LogPipe.Hosting.FaultInjection.Tests;

/// <summary>
/// The tests' named event ids (<see cref="LogEvents"/>) against the [LoggerMessage] declarations they name. This project
/// loads every LogPipe assembly that logs (the library, EF Core, Kafka, Kinesis, the development broker, the dashboard).
/// </summary>
public sealed class LogEventsTests
{
    private static readonly string[] LoggingAssemblies =
    [
        "LogPipe.Hosting", "LogPipe.Hosting.EntityFrameworkCore", "LogPipe.Hosting.Kafka", "LogPipe.Hosting.Kinesis", "LogPipe.Hosting.Kafka.DevBroker", "LogPipe.Hosting.Dashboard",
    ];

    [Fact]
    public void Every_named_event_id_is_the_id_of_the_logging_method_it_names_and_every_logging_method_has_a_name()
    {
        var declared = LoggingAssemblies
            .SelectMany(name => Assembly.Load(name).GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToLookup(m => m.Attribute!.EventId, m => m.Method);
        var named = typeof(LogEvents).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);

        Assert.True(declared.Count > 50, $"only {declared.Count} logging methods found: the assemblies did not load");
        Assert.All(named, n =>
        {
            var methods = declared[n.Value].ToList();
            var method = Assert.Single(methods);
            var methodName = method.Name.StartsWith("Log", StringComparison.Ordinal) ? method.Name[3..] : method.Name;
            Assert.True(n.Key.EndsWith(methodName, StringComparison.Ordinal), $"LogEvents.{n.Key} = {n.Value} is {method.DeclaringType!.Name}.{method.Name}");
        });
        Assert.Empty(declared.Select(d => d.Key).Except(named.Values));
        Assert.Equal(named.Count, named.Values.Distinct().Count());
    }
}
