using Amazon;
using Amazon.Runtime;

namespace LogPipe.Hosting.Kinesis.Client.Transport;

/// <summary>Where requests go and which region they are signed for.</summary>
internal sealed record KinesisEndpoint(Uri Url, string SigningRegion)
{
    /// <summary>
    /// Uses <see cref="KinesisClientOptions.Region"/>, else the AWS SDK's region chain
    /// (<see cref="FallbackRegionFactory"/>: <c>AWS_REGION</c>, profile, instance metadata), else
    /// <c>us-east-1</c> when a <see cref="KinesisClientOptions.ServiceUrl"/> makes the region only a
    /// signing detail.
    /// </summary>
    public static KinesisEndpoint Resolve(KinesisClientOptions options)
    {
        var region = options.Region;
        if (string.IsNullOrEmpty(region))
        {
            region = FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        }

        if (string.IsNullOrEmpty(region))
        {
            region = options.ServiceUrl is null
                ? throw new InvalidOperationException(
                    "KinesisClientOptions.Region is not set and the AWS SDK found no region (AWS_REGION, AWS_DEFAULT_REGION, profile, instance metadata).")
                : "us-east-1";
        }

        var url = options.ServiceUrl
            ?? new Uri($"https://kinesis.{region}.{RegionEndpoint.GetBySystemName(region).PartitionDnsSuffix}/");
        return new KinesisEndpoint(url, region);
    }
}
