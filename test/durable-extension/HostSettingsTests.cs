using DurableExtensionHost;
using Xunit;

namespace DurableExtensionHost.Tests;

/// <summary>The settings the Node side passes in environment variables.</summary>
public class HostSettingsTests
{
    private static readonly Dictionary<string, string> Required = new()
    {
        ["DURABLE_BRIDGE_FUNCTIONS"] = """[{"name":"provisionCluster","kind":"orchestration"}]""",
        ["DURABLE_BRIDGE_WORKER_URL"] = "http://127.0.0.1:5000/",
        ["DURABLE_BRIDGE_WORKER_TOKEN"] = "t",
        ["DURABLE_BRIDGE_WEBHOOK_URL"] = "http://127.0.0.1:7071/runtime/webhooks/durabletask",
        ["DURABLE_BRIDGE_HUB_NAME"] = "E2E",
    };

    private static HostSettings Read(Dictionary<string, string> values) =>
        HostSettings.FromValues(name => values.GetValueOrDefault(name));

    [Fact]
    public void ReadsTheRegistrationsAndDefaultsTheConcurrencyAndProvider()
    {
        var settings = Read(Required);
        Assert.Equal([new AppFunction("provisionCluster", "orchestration")], settings.Functions);
        Assert.Equal("E2E", settings.HubName);
        Assert.Equal(10, settings.MaxConcurrentActivities);
        Assert.Equal(10, settings.MaxConcurrentOrchestrators);
        Assert.Empty(settings.StorageProvider);
    }

    [Fact]
    public void PassesTheStorageProviderSettingsThrough()
    {
        var values = new Dictionary<string, string>(Required)
        {
            ["DURABLE_BRIDGE_STORAGE_PROVIDER"] = """{"maxQueuePollingInterval":"00:00:01"}""",
            ["DURABLE_BRIDGE_MAX_ACTIVITIES"] = "4",
        };
        var settings = Read(values);
        Assert.Equal("00:00:01", settings.StorageProvider["maxQueuePollingInterval"]);
        Assert.Equal(4, settings.MaxConcurrentActivities);
    }

    [Theory]
    [InlineData("DURABLE_BRIDGE_FUNCTIONS")]
    [InlineData("DURABLE_BRIDGE_WORKER_TOKEN")]
    [InlineData("DURABLE_BRIDGE_HUB_NAME")]
    public void NamesAMissingSetting(string missing)
    {
        var values = new Dictionary<string, string>(Required);
        values.Remove(missing);
        Assert.Contains(missing, Assert.Throws<ArgumentException>(() => Read(values)).Message);
    }
}
