// An application that knows LogPipe only through the packed packages: it registers a serializer, a producer and a
// consumer on the in-memory transport (opted into, so it starts outside Development), sends one record and waits until
// the consumer applied it. Then, as a user's test would with LogPipe.Hosting.Testing, it runs the same service on the test
// harness, injects a record encoded as django-logpipe writes it and drains it through the consumer.
using LogPipe.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Production });
var applied = new TaskCompletionSource<Greeting>(TaskCreationOptions.RunContinuationsAsynchronously);
builder.Services.AddSingleton(applied);
builder.Services.AddLogPipe(logpipe => logpipe
    .UseInMemoryTransport()
    .UseInMemoryOffsets()
    .AddProducer<Greeting, GreetingSerializer>("greetings")
    .AddConsumer("greetings", c => c.Register<GreetingSerializer>()));

using var host = builder.Build();
await host.StartAsync();
await host.Services.GetRequiredService<IProducer<Greeting>>().SendAsync(new Greeting("hello from the packages"));
var greeting = await applied.Task.WaitAsync(TimeSpan.FromSeconds(30));
Console.WriteLine($"applied greeting v1: {greeting.Text}");
await host.StopAsync();

var testBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Production });
testBuilder.Services.AddSingleton(new TaskCompletionSource<Greeting>(TaskCreationOptions.RunContinuationsAsynchronously));
testBuilder.Services.AddLogPipe(logpipe => logpipe
    .UseInMemoryOffsets()
    .AddProducer<Greeting, GreetingSerializer>("greetings")
    .AddConsumer("greetings", c => c.Register<GreetingSerializer>()));
testBuilder.Services.AddLogPipeTestHarness();
using var testHost = testBuilder.Build();
var harness = testHost.Services.GetRequiredService<LogPipeTestHarness>();
harness.Inject("greetings", "greeting", 1, """{"text":"hello from django"}""", "msgpack", producerId: "django-app");
await harness.DrainAsync();
Console.WriteLine($"harness applied greeting v1: {harness.Applied<Greeting>().Single().Text}");

public sealed record Greeting(string Text);

public sealed class GreetingSerializer(TaskCompletionSource<Greeting> applied) : MessageSerializer<Greeting>
{
    public override string MessageType => "greeting";

    public override int Version => 1;

    public override Task SaveAsync(Greeting message, CancellationToken cancellationToken)
    {
        applied.TrySetResult(message);
        return Task.CompletedTask;
    }
}
