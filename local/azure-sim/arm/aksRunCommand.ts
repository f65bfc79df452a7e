/**
 * AKS run command, with the shapes of azure-rest-api-specs' examples (RunCommandRequest.json,
 * RunCommandResultSucceed.json, RunCommandResultFailed.json): POST managedClusters/{name}/runCommand with
 * `{command, context, clusterToken}` answers 202 and a Location at commandResults/{id}; that GET answers 202 (with the
 * same Location) while the command pod runs, then 200 `{id, properties: {provisioningState: "succeeded", exitCode,
 * startedAt, finishedAt, logs}}`. The command runs against the cluster's own store when it finishes (kube/kubectl.ts).
 * Results live in this process only: a restarted simulator answers 404 for commands it did not run.
 */
import { randomBytes } from "node:crypto";
import { armError, json, route, type Route, type SimRequest, type SimResponse } from "../http.js";
import { runKubectl, type CommandRun } from "../kube/kubectl.js";
import { ArmContext, NAME, RG } from "./context.js";

/** No public timing; a command pod typically starts and finishes in ten-odd seconds. */
export const runCommandMs = 12_000;

interface CommandRecord {
  clusterId: string;
  command: string;
  operationId: string;
  startedAt: string;
  result: (CommandRun & { finishedAt: string }) | null;
}

function clusterIdOf(r: SimRequest): string {
  return `/subscriptions/${r.params[0] ?? ""}/resourcegroups/${r.params[1] ?? ""}/providers/Microsoft.ContainerService/managedClusters/${r.params[2] ?? ""}`;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export function runCommandRoutes(ctx: ArmContext): Route[] {
  const commands = new Map<string, CommandRecord>();
  ctx.onComplete("aks.runCommand", (commandId) => {
    const record = commands.get(commandId);
    if (record === undefined) return;
    const key = ctx.state.aks.get(record.clusterId.toLowerCase())?.kubeKey ?? null;
    const running = key === null ? undefined : ctx.kubeServers.running.get(key);
    const finishedAt = iso(ctx.state.now());
    record.result =
      running === undefined
        ? { exitCode: 1, stdout: "", stderr: "error: the cluster's API server is not running\n", finishedAt }
        : { ...runKubectl(running.cluster, record.command), finishedAt };
  });
  const path = `${RG}/providers/Microsoft.ContainerService/managedClusters/${NAME}`;
  const location = (r: SimRequest, id: string) =>
    `${r.origin}/subscriptions/${r.params[0] ?? ""}/resourceGroups/${r.params[1] ?? ""}/providers/Microsoft.ContainerService/managedClusters/${r.params[2] ?? ""}/commandResults/${id}?api-version=${r.query.get("api-version") ?? "2026-10-01"}`;

  const start = (r: SimRequest): SimResponse => {
    const clusterId = clusterIdOf(r);
    const cluster = ctx.state.get(clusterId);
    if (cluster === undefined)
      return ctx.notFound("Microsoft.ContainerService/managedClusters", r.params[2] ?? "", r.params[1] ?? "");
    if (ctx.state.aks.get(clusterId.toLowerCase())?.kubeKey == null)
      return armError(
        400,
        "BadRequest",
        `Managed cluster '${r.params[2] ?? ""}' is not in a state where commands can be run.`,
      );
    const body = (r.body ?? {}) as { command?: unknown };
    if (typeof body.command !== "string" || body.command.trim() === "")
      return armError(400, "InvalidParameter", "The value of parameter command is invalid.", {
        target: "command",
        subcode: "",
      });
    const id = randomBytes(16).toString("hex");
    const operation = ctx.startOperation(runCommandMs, "aks.runCommand", id);
    commands.set(id, {
      clusterId,
      command: body.command,
      operationId: operation.id,
      startedAt: iso(operation.startedAt),
      result: null,
    });
    return { status: 202, headers: { Location: location(r, id), ...ctx.pollHeaders(5) } };
  };

  const result = (r: SimRequest): SimResponse => {
    const id = r.params[3] ?? "";
    const record = commands.get(id);
    if (record === undefined || record.clusterId.toLowerCase() !== clusterIdOf(r).toLowerCase())
      return armError(404, "NotFound", `Command result '${id}' was not found.`);
    const operation = ctx.operation(record.operationId);
    if (record.result === null || operation?.done !== true)
      return { status: 202, headers: { Location: location(r, id), ...ctx.pollHeaders(5) } };
    const { exitCode, stdout, stderr, finishedAt } = record.result;
    return json(200, {
      id,
      properties: {
        provisioningState: "succeeded",
        exitCode,
        startedAt: record.startedAt,
        finishedAt,
        // The command pod's output: stdout, then stderr, as `az aks command invoke` prints it.
        logs: `${stdout}${stderr}`,
      },
    });
  };

  return [route("POST", `${path}/runCommand`, start), route("GET", `${path}/commandResults/${NAME}`, result)];
}
