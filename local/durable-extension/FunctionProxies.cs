using System.Reflection;
using System.Reflection.Emit;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Newtonsoft.Json.Linq;

namespace DurableExtensionHost;

/// <summary>
/// The extension knows functions only by compile-time [FunctionName] attributes; the app's names are known at run
/// time, so each becomes an emitted static method with string-typed trigger (the out-of-process protocol) that
/// forwards to the Node worker, as the Functions host's FunctionGenerator does for script languages.
/// </summary>
public static class FunctionProxies
{
    public static Type Generate(IEnumerable<AppFunction> functions)
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(
            new AssemblyName("AppFunctionProxies"), AssemblyBuilderAccess.Run);
        var module = assembly.DefineDynamicModule("AppFunctionProxies");
        var type = module.DefineType("AppFunctions", TypeAttributes.Public | TypeAttributes.Class |
            TypeAttributes.Abstract | TypeAttributes.Sealed);
        var index = 0;
        foreach (var function in functions)
        {
            var (trigger, target) = function.Kind switch
            {
                "orchestration" => (typeof(OrchestrationTriggerAttribute), nameof(Dispatch.Orchestrate)),
                "activity" => (typeof(ActivityTriggerAttribute), nameof(Dispatch.RunActivity)),
                _ => throw new ArgumentException($"'{function.Name}': trigger kind '{function.Kind}' is not bridged"),
            };
            var dispatch = typeof(Dispatch).GetMethod(target)!;
            var method = type.DefineMethod($"F{index++}", MethodAttributes.Public | MethodAttributes.Static,
                dispatch.ReturnType, [typeof(string)]);
            method.SetCustomAttribute(new CustomAttributeBuilder(
                typeof(FunctionNameAttribute).GetConstructor([typeof(string)])!, [function.Name]));
            var parameter = method.DefineParameter(1, ParameterAttributes.None, "payload");
            parameter.SetCustomAttribute(new CustomAttributeBuilder(trigger.GetConstructor(Type.EmptyTypes)!, []));
            var il = method.GetILGenerator();
            il.Emit(OpCodes.Ldstr, function.Name);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Call, dispatch);
            il.Emit(OpCodes.Ret);
        }
        return type.CreateType();
    }
}

/// <summary>What every proxy calls: the episode or activity input goes to Node, its answer comes back.</summary>
public static class Dispatch
{
    /// <summary>Runs on DTFx's orchestrator thread: nothing here may resume on its synchronization context.</summary>
    public static Task<string> Orchestrate(string name, string? context) =>
        WorkerClient.InvokeAsync("orchestration", name, context);

    /// <summary>A JToken return keeps the JSON the activity returned, as the host does for JavaScript.</summary>
    public static async Task<JToken> RunActivity(string name, string? input)
    {
        var json = await WorkerClient.InvokeAsync("activity", name, input).ConfigureAwait(false);
        return JToken.Parse(json);
    }
}
