using System.Text.Json;

namespace DurableExtensionHost;

/// <summary>What the Node side tells this process at start, all through environment variables.</summary>
public sealed record HostSettings(
    IReadOnlyList<AppFunction> Functions,
    Uri WorkerUrl,
    string WorkerToken,
    Uri PublicWebhookUrl,
    string HubName,
    int MaxConcurrentActivities,
    int MaxConcurrentOrchestrators,
    IReadOnlyDictionary<string, string> StorageProvider)
{
    public static HostSettings FromEnvironment() => FromValues(Environment.GetEnvironmentVariable);

    public static HostSettings FromValues(Func<string, string?> get)
    {
        string Need(string name) =>
            get(name) is { Length: > 0 } value ? value : throw new ArgumentException($"{name} is not set");
        var functions = JsonSerializer.Deserialize<List<AppFunction>>(
            Need("DURABLE_BRIDGE_FUNCTIONS"), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
            ?? throw new ArgumentException("DURABLE_BRIDGE_FUNCTIONS is not a list");
        return new HostSettings(
            functions,
            new Uri(Need("DURABLE_BRIDGE_WORKER_URL")),
            Need("DURABLE_BRIDGE_WORKER_TOKEN"),
            new Uri(Need("DURABLE_BRIDGE_WEBHOOK_URL")),
            Need("DURABLE_BRIDGE_HUB_NAME"),
            int.Parse(get("DURABLE_BRIDGE_MAX_ACTIVITIES") ?? "10"),
            int.Parse(get("DURABLE_BRIDGE_MAX_ORCHESTRATORS") ?? "10"),
            JsonSerializer.Deserialize<Dictionary<string, string>>(get("DURABLE_BRIDGE_STORAGE_PROVIDER") ?? "{}")
                ?? new Dictionary<string, string>());
    }
}

/// <summary>One function the app registered: its name and trigger kind (orchestration or activity).</summary>
public sealed record AppFunction(string Name, string Kind);
