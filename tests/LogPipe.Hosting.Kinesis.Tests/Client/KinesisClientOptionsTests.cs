using LogPipe.Hosting.Kinesis.Client;

namespace LogPipe.Hosting.Kinesis.Tests.Client;

public sealed class KinesisClientOptionsTests
{
    [Theory]
    [InlineData(nameof(KinesisClientOptions.MaxRetries))]
    [InlineData(nameof(KinesisClientOptions.BaseBackoff))]
    [InlineData(nameof(KinesisClientOptions.MaxBackoff))]
    [InlineData(nameof(KinesisClientOptions.RequestTimeout))]
    [InlineData(nameof(KinesisClientOptions.ServiceUrl))]
    [InlineData(nameof(KinesisClientOptions.SecretKey))]
    [InlineData(nameof(KinesisClientOptions.SessionToken))]
    public void An_invalid_setting_is_named_in_the_error(string setting)
    {
        var options = new KinesisClientOptions { Region = "us-east-1" };
        switch (setting)
        {
            case nameof(KinesisClientOptions.MaxRetries): options.MaxRetries = -1; break;
            case nameof(KinesisClientOptions.BaseBackoff): options.BaseBackoff = TimeSpan.FromSeconds(-1); break;
            case nameof(KinesisClientOptions.MaxBackoff): options.MaxBackoff = TimeSpan.FromMilliseconds(1); break;
            case nameof(KinesisClientOptions.RequestTimeout): options.RequestTimeout = TimeSpan.Zero; break;
            case nameof(KinesisClientOptions.ServiceUrl): options.ServiceUrl = new Uri("ftp://127.0.0.1/"); break;
            case nameof(KinesisClientOptions.SecretKey): options.AccessKey = "AKIDONLY"; break;
            case nameof(KinesisClientOptions.SessionToken): options.SessionToken = "token-without-keys"; break;
        }

        var error = Assert.Throws<ArgumentException>(() => new KinesisClient(options));

        Assert.Equal(setting, error.ParamName);
        Assert.Contains($"KinesisClientOptions.{setting}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_regional_endpoint_is_used_when_no_service_url_is_set()
    {
        var options = new KinesisClientOptions { Region = "cn-north-1", AccessKey = "AKID", SecretKey = "secret" };

        var endpoint = LogPipe.Hosting.Kinesis.Client.Transport.KinesisEndpoint.Resolve(options);

        Assert.Equal(new Uri("https://kinesis.cn-north-1.amazonaws.com.cn/"), endpoint.Url);
        Assert.Equal("cn-north-1", endpoint.SigningRegion);
    }
}
