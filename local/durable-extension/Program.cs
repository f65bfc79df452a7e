// The real Durable Functions extension in a plain WebJobs host, for a Node app: proxies generated from the app's own
// registrations forward each orchestrator episode and activity call to the Node process that runs the app's
// handlers, and a loopback endpoint hands the extension's HTTP management API to that process.
using DurableExtensionHost;

var settings = HostSettings.FromEnvironment();
await using var host = await ExtensionHost.StartAsync(settings);
await host.WaitForShutdownAsync();
