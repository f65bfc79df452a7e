using System.Reflection;
using DurableExtensionHost;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Newtonsoft.Json.Linq;
using Xunit;

namespace DurableExtensionHost.Tests;

/// <summary>One proxy per registration, shaped as the extension's out-of-process binding expects to find it.</summary>
public class FunctionProxiesTests
{
    private static readonly AppFunction[] Registrations =
    [
        new("provisionCluster", "orchestration"),
        new("ensureNetwork", "activity"),
        new("ensure Features/ä", "activity"),
    ];

    private static MethodInfo[] ProxiesOf(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly);

    private static string NameOf(MethodInfo method) => method.GetCustomAttribute<FunctionNameAttribute>()!.Name;

    [Fact]
    public void EmitsOneStaticFunctionPerRegistrationUnderItsOwnName()
    {
        var proxies = ProxiesOf(FunctionProxies.Generate(Registrations));
        Assert.Equal(Registrations.Select(r => r.Name), proxies.Select(NameOf));
    }

    [Fact]
    public void GivesAnOrchestrationAStringOrchestrationTriggerAndAStringResult()
    {
        var proxy = ProxiesOf(FunctionProxies.Generate([new("provisionCluster", "orchestration")])).Single();
        var parameter = Assert.Single(proxy.GetParameters());
        // A string trigger is what selects the extension's out-of-process (JSON) protocol.
        Assert.Equal(typeof(string), parameter.ParameterType);
        Assert.NotNull(parameter.GetCustomAttribute<OrchestrationTriggerAttribute>());
        Assert.Null(parameter.GetCustomAttribute<ActivityTriggerAttribute>());
        Assert.Equal(typeof(Task<string>), proxy.ReturnType);
    }

    [Fact]
    public void GivesAnActivityAStringActivityTriggerAndReturnsTheActivityJson()
    {
        var proxy = ProxiesOf(FunctionProxies.Generate([new("ensureNetwork", "activity")])).Single();
        var parameter = Assert.Single(proxy.GetParameters());
        Assert.Equal(typeof(string), parameter.ParameterType);
        Assert.NotNull(parameter.GetCustomAttribute<ActivityTriggerAttribute>());
        Assert.Equal(typeof(Task<JToken>), proxy.ReturnType);
    }

    [Fact]
    public void RefusesATriggerItDoesNotBridgeNamingTheFunction()
    {
        var error = Assert.Throws<ArgumentException>(
            () => FunctionProxies.Generate([new("counter", "entity")]));
        Assert.Contains("'counter'", error.Message);
        Assert.Contains("entity", error.Message);
    }

    [Fact]
    public void EmitsNothingForAnAppWithoutDurableFunctions()
    {
        Assert.Empty(ProxiesOf(FunctionProxies.Generate([])));
    }
}
