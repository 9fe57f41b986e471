using System.Collections.Concurrent;
using LogPipe.Hosting.FaultInjection.Worker;
using LogPipe.Hosting.Kafka;
using LogPipe.Hosting.Kinesis;
using LogPipe.Hosting.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.FaultInjection.Tests.Support;

/// <summary>
/// Sends people through the service's producers — every third as Person V1 JSON, V2 JSON, or V2 MessagePack — one
/// <see cref="IProducer{TModel}.SendAsync"/> per person, so each send has its own outcome. A send that fails must fail
/// loudly (<see cref="KafkaSendException"/> or <see cref="KinesisSendException"/>): it is counted and sent again until
/// delivered, so nothing is missing unless the library lost it.
/// </summary>
public sealed class PeopleSender(IServiceProvider services)
{
    private int _delivered;
    private int _failed;

    /// <summary>Sends that completed.</summary>
    public int Delivered => _delivered;

    /// <summary>Sends that failed loudly and were sent again.</summary>
    public int Failed => _failed;

    /// <summary>The error codes of the failed sends.</summary>
    public ConcurrentDictionary<string, int> FailureCodes { get; } = new();

    /// <summary>Sends <paramref name="people"/> (offset <paramref name="first"/> picks each one's version/format), at most <paramref name="inFlight"/> at a time.</summary>
    public async Task SendAsync(IReadOnlyList<Person> people, int first = 0, int inFlight = 500, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(people);
        await using var scope = services.CreateAsyncScope();
        IProducer<Person>[] producers =
        [
            scope.ServiceProvider.GetRequiredKeyedService<IProducer<Person>>(ConsumerHost.V1Producer),
            scope.ServiceProvider.GetRequiredService<IProducer<Person>>(),
            scope.ServiceProvider.GetRequiredKeyedService<IProducer<Person>>(ConsumerHost.MessagePackProducer),
        ];
        for (var start = 0; start < people.Count; start += inFlight)
        {
            var chunk = people.Skip(start).Take(inFlight).Select((p, i) => SendOneAsync(producers[(first + start + i) % 3], p, cancellationToken));
            await Task.WhenAll(chunk);
        }
    }

    private async Task SendOneAsync(IProducer<Person> producer, Person person, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await producer.SendAsync(person, cancellationToken);
                Interlocked.Increment(ref _delivered);
                return;
            }
            catch (KafkaSendException failure)
            {
                await FailedAsync(failure.ErrorCode, cancellationToken);
            }
            catch (KinesisSendException failure)
            {
                await FailedAsync(failure.ErrorCode, cancellationToken);
            }
        }
    }

    private async Task FailedAsync(string errorCode, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _failed);
        FailureCodes.AddOrUpdate(errorCode, 1, (_, n) => n + 1);
        await Task.Delay(100, cancellationToken); // back off after a refused send, as a producer would
    }
}
