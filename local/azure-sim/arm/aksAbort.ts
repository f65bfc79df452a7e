/**
 * AKS's abort of a running operation (azure-rest-api-specs aks/stable ManagedClustersAbortOperation.json and
 * AgentPoolsAbortOperation.json): POST `.../managedClusters/{name}/abort` or `.../agentPools/{pool}/abort` → 202 with
 * Azure-AsyncOperation and Location. The resource goes Canceling, then Canceled; the aborted operation itself ends
 * `Canceled` and never applies its change. With no operation in progress AKS answers 409 (the operation finished
 * before the cancellation could take place). Durations are not from a recording (none found).
 */
import { armError, route, type Route, type SimRequest, type SimResponse } from "../http.js";
import type { OperationRecord, StoredResource } from "../state.js";
import { ArmContext, NAME, props, RG, text } from "./context.js";

const abortMs = 20_000;
const abortable = new Set(["Creating", "Updating", "Scaling", "Upgrading", "Starting", "Stopping"]);

type Profile = Record<string, unknown>;

function clusterIdOf(r: SimRequest): string {
  return `/subscriptions/${r.params[0] ?? ""}/resourcegroups/${r.params[1] ?? ""}/providers/Microsoft.ContainerService/managedClusters/${r.params[2] ?? ""}`;
}

const profilesOf = (cluster: StoredResource): Profile[] =>
  (props(cluster).agentPoolProfiles as Profile[] | undefined) ?? [];

/** The operations still running on a target (the cluster's id, or `<cluster id>|<pool>`). */
function runningOn(ctx: ArmContext, target: string): OperationRecord[] {
  ctx.settleAll();
  return [...ctx.state.operations.values()].filter(
    (operation) => !operation.done && operation.target.toLowerCase() === target.toLowerCase(),
  );
}

export function abortRoutes(ctx: ArmContext): Route[] {
  ctx.onComplete("aks.aborted", (target) => {
    const [clusterId = "", pool] = target.split("|");
    const cluster = ctx.state.get(clusterId);
    if (cluster === undefined) return;
    if (pool === undefined) {
      if (props(cluster).provisioningState === "Canceling") props(cluster).provisioningState = "Canceled";
      for (const profile of profilesOf(cluster))
        if (profile.provisioningState === "Canceling") profile.provisioningState = "Canceled";
      return;
    }
    const profile = profilesOf(cluster).find((p) => String(p.name).toLowerCase() === pool.toLowerCase());
    if (profile?.provisioningState === "Canceling") profile.provisioningState = "Canceled";
  });
  const cluster = `${RG}/providers/Microsoft.ContainerService/managedClusters/${NAME}`;
  return [
    route("POST", `${cluster}/abort`, (r) => abort(ctx, r, null)),
    route("POST", `${cluster}/agentPools/${NAME}/abort`, (r) => abort(ctx, r, r.params[3] ?? "")),
  ];
}

function abort(ctx: ArmContext, r: SimRequest, poolName: string | null): SimResponse {
  const id = clusterIdOf(r);
  const cluster = ctx.state.get(id);
  if (cluster === undefined)
    return ctx.notFound("Microsoft.ContainerService/managedClusters", r.params[2] ?? "", r.params[1] ?? "");
  const profile =
    poolName === null
      ? undefined
      : profilesOf(cluster).find((p) => String(p.name).toLowerCase() === poolName.toLowerCase());
  if (poolName !== null && profile === undefined)
    return ctx.notFound(
      "Microsoft.ContainerService/managedClusters",
      `${r.params[2] ?? ""}/agentPools/${poolName}`,
      r.params[1] ?? "",
    );
  const target = poolName === null ? id : `${id}|${poolName}`;
  const running = runningOn(ctx, poolName === null ? cluster.id : `${cluster.id}|${poolName}`);
  const state = String((profile ?? props(cluster)).provisioningState);
  if (running.length === 0 || !abortable.has(state))
    return armError(
      409,
      "OperationNotAllowed",
      `There is no operation in progress on ${poolName === null ? "managed cluster" : "agent pool"} '${poolName ?? r.params[2] ?? ""}' to abort (provisioningState ${state}).`,
    );
  // The aborted operation ends Canceled: its completion action never runs, so its change is not applied.
  for (const operation of running) {
    operation.done = true;
    operation.endsAt = ctx.state.now();
    operation.canceled = true;
  }
  if (poolName === null) {
    props(cluster).provisioningState = "Canceling";
    for (const pool of profilesOf(cluster))
      if (abortable.has(String(pool.provisioningState))) pool.provisioningState = "Canceling";
  } else if (profile !== undefined) profile.provisioningState = "Canceling";
  const operation = ctx.startOperation(abortMs, "aks.aborted", target);
  ctx.state.changed();
  const location = text(cluster.body.location, "eastus");
  const base = `${r.origin}/subscriptions/${r.params[0] ?? ""}/providers/Microsoft.ContainerService/locations/${location}`;
  const apiVersion = r.query.get("api-version") ?? "2026-04-01";
  return {
    status: 202,
    headers: {
      "Azure-AsyncOperation": `${base}/operations/${operation.id}?api-version=${apiVersion}`,
      Location: `${base}/operationresults/${operation.id}?api-version=${apiVersion}`,
    },
  };
}
