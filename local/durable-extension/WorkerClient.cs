using System.Net.Http.Json;
using System.Text.Json;

namespace DurableExtensionHost;

/// <summary>
/// Calls into the Node process that runs the app's handlers, over loopback HTTP. A handler that throws comes back as
/// an exception shaped like the Functions host's RpcException, the only shape the extension parses for details.
/// </summary>
public static class WorkerClient
{
    private static HttpClient? http;
    private static string token = "";

    public static void Configure(Uri workerUrl, string workerToken)
    {
        http = new HttpClient { BaseAddress = workerUrl, Timeout = Timeout.InfiniteTimeSpan };
        token = workerToken;
    }

    /// <summary>Sends the trigger's value (null for an activity called without input) and returns the JSON answer.</summary>
    public static async Task<string> InvokeAsync(string kind, string name, string? payload)
    {
        var client = http ?? throw new InvalidOperationException("the worker client is not configured");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{kind}/{Uri.EscapeDataString(name)}")
        {
            Content = JsonContent.Create(new WorkerRequest(payload)),
        };
        request.Headers.Add("x-bridge-token", token);
        using var response = await client.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var reply = await response.Content.ReadFromJsonAsync<WorkerReply>().ConfigureAwait(false)
            ?? throw new InvalidOperationException("the worker sent an empty reply");
        if (reply.Ok) return reply.Result ?? "null";
        throw Failure(reply.Message, reply.Stack);
    }

    /// <summary>
    /// A handler's error as the Functions host raises a worker's failure (its RpcException text): the extension finds
    /// the orchestrator's state after "$OutOfProcData$:" in the message only in this shape.
    /// </summary>
    public static Exception Failure(string? message, string? stack) =>
        new($"Result: Failure\nException: {message}\nStack: {stack}");

    private sealed record WorkerRequest(string? Payload);

    private sealed record WorkerReply(bool Ok, string? Result, string? Message, string? Stack);
}
