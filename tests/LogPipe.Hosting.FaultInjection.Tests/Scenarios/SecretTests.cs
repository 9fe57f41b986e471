using LogPipe.Hosting.FaultInjection.Tests.Support;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LogPipe.Hosting.FaultInjection.Tests.Scenarios;

/// <summary>
/// Secrets: a recognisable SASL password is configured (SASL_PLAINTEXT against the embedded broker, with librdkafka's
/// debug logging on) and connection errors are forced by taking the brokers down. Every log entry — message, structured
/// properties, exception with its inner exceptions and stack — and every exception a caller sees is searched: the
/// password appears nowhere. (The AWS secret key variant lives in the Kinesis client tests, SecretSafetyTests.)
/// </summary>
[Collection(ScenarioCollections.Kafka)]
public sealed class SecretTests(ITestOutputHelper output)
{
    private const string Password = "CANARY-sasl-9d41c7e2-must-never-be-printed";

    [Fact]
    public async Task A_SASL_password_appears_in_no_log_entry_and_no_exception_when_connections_fail()
    {
        await using var scenario = await EmbeddedScenario.StartAsync(3, "sqlite");
        var settings = new Dictionary<string, string?>
        {
            ["LogPipe:Kafka:Common:security.protocol"] = "SASL_PLAINTEXT",
            ["LogPipe:Kafka:Common:sasl.mechanism"] = "PLAIN",
            ["LogPipe:Kafka:Common:sasl.username"] = "fault-injection",
            ["LogPipe:Kafka:Common:sasl.password"] = Password,
            ["LogPipe:Kafka:Common:debug"] = "all",
            ["LogPipe:Kafka:Producer:message.timeout.ms"] = "3000",
        };
        var instance = await scenario.ConsumerAsync("consumer", settings);
        var exceptions = new List<Exception>();

        async Task TrySendAsync()
        {
            try
            {
                await using var scope = instance.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IProducer<Person>>().SendAsync(People.Many(1)[0]);
            }
            catch (Exception ex)
            {
                exceptions.Add(ex);
            }
        }

        await TrySendAsync();
        for (var broker = 1; broker <= 3; broker++) scenario.Cluster.SetBrokerDown(broker);
        await TrySendAsync();
        await Eventually.TrueAsync(() => instance.Logs.Entries.Any(e => e.EventId.Id == LogEvents.KafkaClientError), TimeSpan.FromSeconds(30), "connection errors were logged");
        for (var broker = 1; broker <= 3; broker++) scenario.Cluster.SetBrokerUp(broker);
        await TrySendAsync();
        try
        {
            await instance.StopAsync();
        }
        catch (Exception ex)
        {
            exceptions.Add(ex);
        }

        var entries = instance.Logs.Entries.ToList();
        var texts = entries
            .SelectMany(e => new[] { e.Message, e.Exception?.ToString() }.Concat(e.State.Values.Select(v => v?.ToString())))
            .Concat(exceptions.Select(e => e.ToString()))
            .Where(t => t is not null)
            .ToList();
        var leaks = texts.Where(t => t!.Contains(Password, StringComparison.Ordinal)).Take(3).ToList();
        output.WriteLine($"searched {entries.Count} log entries ({entries.Count(e => e.EventId.Id == LogEvents.Librdkafka)} librdkafka lines, {entries.Count(e => e.EventId.Id is LogEvents.KafkaClientError or LogEvents.KafkaClientFatal)} client errors) and {exceptions.Count} exceptions");
        Assert.True(leaks.Count == 0, "the password leaked:\n" + string.Join("\n---\n", leaks));
        Assert.Contains(entries, e => e.EventId.Id == LogEvents.KafkaClientCreated && e.Message.Contains("sasl.password=***", StringComparison.Ordinal));
    }
}
