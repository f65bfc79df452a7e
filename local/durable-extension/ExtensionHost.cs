using System.Text.Json;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Azure.WebJobs.Host;
using Microsoft.Azure.WebJobs.Host.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DurableExtensionHost;

/// <summary>
/// A WebJobs host with the Durable extension (Azure Storage provider, AzureWebJobsStorage) and the app's proxies,
/// plus the loopback endpoint that serves the extension's management API. It stops when its parent closes stdin.
/// </summary>
public sealed class ExtensionHost : IAsyncDisposable
{
    private readonly IHost jobs;
    private readonly WebhookEndpoint webhooks;

    private ExtensionHost(IHost jobs, WebhookEndpoint webhooks)
    {
        this.jobs = jobs;
        this.webhooks = webhooks;
    }

    public static async Task<ExtensionHost> StartAsync(HostSettings settings)
    {
        WorkerClient.Configure(settings.WorkerUrl, settings.WorkerToken);
        var proxies = FunctionProxies.Generate(settings.Functions);
        var jobs = new HostBuilder()
            .ConfigureWebJobs(builder => builder.AddDurableTask(options =>
            {
                options.HubName = settings.HubName;
                options.MaxConcurrentActivityFunctions = settings.MaxConcurrentActivities;
                options.MaxConcurrentOrchestratorFunctions = settings.MaxConcurrentOrchestrators;
                foreach (var (name, value) in settings.StorageProvider) options.StorageProvider[name] = value;
            }))
            .ConfigureLogging(logging =>
            {
                logging.ClearProviders();
                logging.AddSimpleConsole(console => console.SingleLine = true);
                logging.AddFilter((category, level) => level >= LogLevelFor(category));
                // The console logger writes to stdout, which carries this process's ready line: keep logs on stderr.
                logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
                    console => console.LogToStandardErrorThreshold = LogLevel.Trace);
            })
            .ConfigureServices(services =>
            {
                services.AddSingleton<ITypeLocator>(new FixedTypeLocator(proxies, typeof(ClientFunction)));
                services.AddSingleton<IWebHookProvider>(new FixedWebHookProvider(settings.PublicWebhookUrl));
            })
            .Build();
        await jobs.StartAsync().ConfigureAwait(false);
        var extension = jobs.Services.GetServices<IExtensionConfigProvider>().OfType<DurableTaskExtension>().Single();
        var webhooks = await WebhookEndpoint.StartAsync(extension, settings.PublicWebhookUrl).ConfigureAwait(false);
        await jobs.Services.GetRequiredService<IJobHost>()
            .CallAsync("DurableBridgeClientData", new Dictionary<string, object?>()).ConfigureAwait(false);
        Console.Out.WriteLine("DURABLE_BRIDGE_READY " + JsonSerializer.Serialize(new
        {
            webhookPort = webhooks.Port,
            clientData = ClientFunction.Data,
        }));
        Console.Out.Flush();
        return new ExtensionHost(jobs, webhooks);
    }

    private static LogLevel LogLevelFor(string? category) =>
        Environment.GetEnvironmentVariable("DURABLE_BRIDGE_LOG_LEVEL") is { } level
            ? Enum.Parse<LogLevel>(level, ignoreCase: true)
            : category?.StartsWith("Host.Triggers.DurableTask") == true ? LogLevel.Warning : LogLevel.Error;

    /// <summary>
    /// Runs until the parent asks it to stop (a "stop" line on stdin: a graceful stop that releases the task hub's
    /// leases) or a signal stops it. Stdin closing without that line means the parent died: this process ends at once,
    /// as a killed Functions host would, and the next start resumes from what storage holds.
    /// </summary>
    public async Task WaitForShutdownAsync()
    {
        var parent = Task.Run(async () =>
        {
            while (await Console.In.ReadLineAsync().ConfigureAwait(false) is { } line)
                if (line.Trim() == "stop") return;
            // Not Environment.Exit: the host's console lifetime would turn that into a graceful stop.
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        });
        var lifetime = jobs.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource();
        lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        await Task.WhenAny(parent, stopping.Task).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await webhooks.DisposeAsync().ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await jobs.StopAsync(timeout.Token).ConfigureAwait(false);
        jobs.Dispose();
    }
}

/// <summary>Only the generated proxies and the client-data function are functions of this host.</summary>
public sealed class FixedTypeLocator(params Type[] types) : ITypeLocator
{
    public IReadOnlyList<Type> GetTypes() => types;
}

/// <summary>
/// The Functions host answers the extension's webhook question with its own URL and system key; a plain WebJobs host
/// has no provider, and without one the extension cannot build a single management URL.
/// </summary>
public sealed class FixedWebHookProvider(Uri url) : IWebHookProvider
{
    public Uri GetUrl(IExtensionConfigProvider extension) => url;
}
