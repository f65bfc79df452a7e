using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;
using DurableExtensionHost;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Newtonsoft.Json.Linq;
using Xunit;

namespace DurableExtensionHost.Tests;

/// <summary>
/// What a proxy sends the Node worker and what it makes of the answer, against a loopback stand-in for the worker;
/// a failure is read back with the extension's own parser. One class: WorkerClient is configured process-wide.
/// </summary>
public sealed class WorkerBridgeTests : IDisposable
{
    private const string Token = "bridge-test-token";
    private readonly HttpListener listener = new();
    private readonly string prefix;
    private readonly List<(string Path, string? Token, string Body)> received = [];
    private Func<string, string> reply = _ => """{"ok":true,"result":"null"}""";

    public WorkerBridgeTests()
    {
        // HttpListener takes no port 0: ask the system for a free port, then listen on it.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        prefix = $"http://127.0.0.1:{port}/";
        listener.Prefixes.Add(prefix);
        listener.Start();
        _ = Task.Run(ServeAsync);
        WorkerClient.Configure(new Uri(prefix), Token);
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); } catch { return; }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Url!.AbsolutePath;
            lock (received) received.Add((path, context.Request.Headers["x-bridge-token"], body));
            var bytes = Encoding.UTF8.GetBytes(reply(path));
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose() => listener.Close();

    private static MethodInfo ProxyFor(string name, string kind) =>
        FunctionProxies.Generate([new(name, kind)]).GetMethods(BindingFlags.Public | BindingFlags.Static).Single();

    // The extension's friendly message keeps the space after "Exception:", as it does with the Functions host's text.

    /// <summary>The extension's own reading of a worker failure (internal to its assembly: reflection).</summary>
    private static (bool Found, string? State) ExtensionReadsState(Exception error)
    {
        var helpers = typeof(DurableTaskExtension).Assembly
            .GetType("Microsoft.Azure.WebJobs.Extensions.DurableTask.OutOfProcExceptionHelpers", throwOnError: true)!;
        object?[] arguments = [error, null];
        var found = (bool)helpers.GetMethod("TryExtractOutOfProcStateJson")!.Invoke(null, arguments)!;
        return (found, (string?)arguments[1]);
    }

    private static string? ExtensionFriendlyMessage(Exception error)
    {
        var helpers = typeof(DurableTaskExtension).Assembly
            .GetType("Microsoft.Azure.WebJobs.Extensions.DurableTask.OutOfProcExceptionHelpers", throwOnError: true)!;
        object?[] arguments = [error, null];
        var found = (bool)helpers.GetMethod("TryGetExceptionWithFriendlyMessage")!.Invoke(null, arguments)!;
        return found ? ((Exception)arguments[1]!).Message : null;
    }

    [Fact]
    public async Task AnOrchestrationProxyPostsItsContextUnderItsNameWithTheToken()
    {
        reply = _ => """{"ok":true,"result":"{\"isDone\":false,\"actions\":[]}"}""";
        var proxy = ProxyFor("provision Cluster/ä", "orchestration");
        var result = await (Task<string>)proxy.Invoke(null, ["""{"history":[]}"""])!;
        Assert.Equal("""{"isDone":false,"actions":[]}""", result);
        var (path, token, body) = Assert.Single(received);
        Assert.Equal("/orchestration/provision%20Cluster%2F%C3%A4", path);
        Assert.Equal(Token, token);
        Assert.Equal("""{"history":[]}""", JsonDocument.Parse(body).RootElement.GetProperty("payload").GetString());
    }

    [Fact]
    public async Task AnActivityProxyKeepsTheJsonTheActivityReturned()
    {
        reply = _ => """{"ok":true,"result":"{\"id\":\"/subscriptions/1\",\"count\":3}"}""";
        var result = await (Task<JToken>)ProxyFor("ensureNetwork", "activity").Invoke(null, [null])!;
        Assert.Equal(3, result["count"]!.Value<int>());
        var (path, _, body) = Assert.Single(received);
        Assert.Equal("/activity/ensureNetwork", path);
        // An activity called without input sends a null payload, not the string "null".
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(body).RootElement.GetProperty("payload").ValueKind);
    }

    [Fact]
    public async Task AFailedEpisodeReachesTheExtensionWithTheOrchestratorStateItReplays()
    {
        // What durable-functions throws when an orchestrator fails: its message carries the actions scheduled so far
        // and the error (extension 3.19 hands back no state without the error: seen when it was left out here).
        const string action = """{"actionType":0,"functionName":"ensureNetwork"}""";
        var state = $$"""{"isDone":false,"actions":[[{{action}}]],"error":"boom"}""";
        var message = $"boom\n\n$OutOfProcData$:{state}";
        var stack = "Error: boom\n    at provision (x.js:1)";
        reply = _ => JsonSerializer.Serialize(new { ok = false, message, stack });
        var error = await Assert.ThrowsAnyAsync<Exception>(
            () => (Task<string>)ProxyFor("provisionCluster", "orchestration").Invoke(null, ["{}"])!);
        Assert.Equal((true, state), ExtensionReadsState(error));
        Assert.Equal(" boom", ExtensionFriendlyMessage(error));
    }

    [Fact]
    public async Task AFailedActivityReachesTheExtensionAsTheHostsFailureWithItsMessage()
    {
        reply = _ => """{"ok":false,"message":"AuthorizationFailed: no access","stack":"Error: at x.js"}""";
        var error = await Assert.ThrowsAnyAsync<Exception>(
            () => (Task<JToken>)ProxyFor("ensureNetwork", "activity").Invoke(null, ["{}"])!);
        Assert.Equal((false, null), ExtensionReadsState(error));
        Assert.Equal(" AuthorizationFailed: no access", ExtensionFriendlyMessage(error));
        Assert.StartsWith("Result: Failure\nException: AuthorizationFailed: no access\nStack: Error:", error.Message);
    }

    [Fact]
    public void AFailureWithoutAStackIsStillInTheHostsShape()
    {
        var error = WorkerClient.Failure("boom", null);
        Assert.Equal(" boom", ExtensionFriendlyMessage(error));
    }
}
