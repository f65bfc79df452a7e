using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.WebJobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableExtensionHost;

/// <summary>
/// Serves /runtime/webhooks/durabletask/* on a loopback port through the extension's own handler, as the Functions
/// host does. The Node side checks the system key first and forwards; the request is handed over with the public
/// URL the client used, since the extension builds the links in its answers from it.
/// </summary>
public sealed class WebhookEndpoint : IAsyncDisposable
{
    private readonly WebApplication app;

    private WebhookEndpoint(WebApplication app, int port)
    {
        this.app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<WebhookEndpoint> StartAsync(
        IAsyncConverter<HttpRequestMessage, HttpResponseMessage> handler, Uri publicWebhookUrl)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var publicBase = new Uri(publicWebhookUrl.GetLeftPart(UriPartial.Authority));
        app.Map("/runtime/webhooks/durabletask/{**rest}", async context =>
        {
            using var request = ToRequestMessage(context.Request, publicBase);
            using var response = await handler.ConvertAsync(request, context.RequestAborted).ConfigureAwait(false);
            await CopyResponse(response, context.Response).ConfigureAwait(false);
        });
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Single();
        return new WebhookEndpoint(app, new Uri(address).Port);
    }

    private static HttpRequestMessage ToRequestMessage(HttpRequest request, Uri publicBase)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method),
            new Uri(publicBase, request.Path.ToUriComponent() + request.QueryString.ToUriComponent()))
        {
            Content = new StreamContent(request.Body),
        };
        foreach (var (name, values) in request.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, values.ToArray()))
                message.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
        }
        return message;
    }

    private static async Task CopyResponse(HttpResponseMessage from, HttpResponse to)
    {
        to.StatusCode = (int)from.StatusCode;
        foreach (var (name, values) in from.Headers) to.Headers[name] = values.ToArray();
        foreach (var (name, values) in from.Content.Headers) to.Headers[name] = values.ToArray();
        to.Headers.Remove("transfer-encoding");
        await from.Content.CopyToAsync(to.Body).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }
}
