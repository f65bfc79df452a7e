using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;

namespace DurableExtensionHost;

/// <summary>
/// The durableClient binding data the extension gives a JavaScript client function (URLs, keys, rpcBaseUrl), read
/// once at start by calling this function, so the app's HTTP triggers get exactly what the extension would give.
/// </summary>
public static class ClientFunction
{
    public static string? Data { get; private set; }

    [NoAutomaticTrigger]
    [FunctionName("DurableBridgeClientData")]
    public static void Capture([DurableClient] string client) => Data = client;
}
