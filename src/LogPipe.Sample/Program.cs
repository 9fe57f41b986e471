using LogPipe.Sample;
using LogPipe.Sample.Data;
using LogPipe.Sample.Demo;
using Serilog;

if (args.Length > 0 && args[0] == "demo")
{
    return await DemoCommand.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddSerilog((services, logger) => logger.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services));
builder.Services.AddControllers();
builder.Services.AddOpenApi();
builder.Services.AddSample(builder.Configuration);
builder.Services.AddSampleTelemetry(builder.Configuration);
// The operator dashboard at /logpipe: local requests only, as no authorization policy is set on it.
builder.Services.AddLogPipeDashboard();
// Its dead-letter, offsets and outbox pages act through the operations library, on the sample's own DbContext (the CLI's rules).
builder.Services.AddLogPipeOperations<SampleDbContext>();

var app = builder.Build();
await using (var scope = app.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<SampleDbContext>();
    // The embedded development broker forgets everything when the process exits, so checkpoints kept from an earlier
    // run would point past its empty log: start the development database afresh with it.
    if (builder.Configuration.GetValue("Sample:RecreateDatabase", false)) await db.Database.EnsureDeletedAsync();
    await db.Database.EnsureCreatedAsync();
}

app.MapOpenApi();
// Readiness: LogPipe's check (consumer loop alive and making progress, lag, transport reachable); liveness: the process.
app.MapHealthChecks("/health/ready", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = r => r.Tags.Contains("ready") });
app.MapHealthChecks("/health/live", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false });
app.MapControllers();
app.MapLogPipeDashboard("/logpipe");
await app.RunAsync();
return 0;
