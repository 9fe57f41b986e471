using LogPipe.Hosting.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipe.Hosting.Dashboard.Reading;

/// <summary>
/// The operations library as the dead-letter pages reach it: registered by the service (<c>AddLogPipeOperations</c>), on
/// its consumer group; and its refusals as HTTP status codes.
/// </summary>
internal static class DeadLetterOperations
{
    public const string Missing =
        "The dead-letter pages need the operations library on the service's DbContext: call builder.Services.AddLogPipeOperations<YourDbContext>().";

    /// <summary>The operations and the consumer group, or why the pages cannot use them.</summary>
    public static (LogPipeOperations Operations, string ConsumerGroup)? Find(HttpContext context, out string? problem)
    {
        problem = null;
        if (context.RequestServices.GetService<LogPipeOperations>() is not { } operations)
        {
            problem = Missing;
            return null;
        }

        if (operations.ConsumerGroup is not { } group)
        {
            problem = "The service's consumer group is not known (LogPipe:ConsumerGroup), so its dead letters cannot be picked out.";
            return null;
        }

        return (operations, group);
    }

    public static int StatusCode(OperationFailure failure) => failure switch
    {
        OperationFailure.InvalidRequest => StatusCodes.Status400BadRequest,
        OperationFailure.NotFound => StatusCodes.Status404NotFound,
        OperationFailure.Refused or OperationFailure.Conflict => StatusCodes.Status409Conflict,
        OperationFailure.Unreachable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };
}
